import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/** Parses RFC 4180 CSV (quoted fields with "" escapes and embedded newlines) into rows of strings. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"') {
        if (text[index + 1] === '"') {
          field += '"';
          index++;
        } else quoted = false;
      } else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[index + 1] === "\n") index++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += char;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Every prompt of RouteLLM's MMLU response CSVs (files in sorted order), or undefined when the folder is absent. */
export async function readMmluPrompts(folder: string): Promise<string[] | undefined> {
  if (!existsSync(folder)) return undefined;
  const prompts: string[] = [];
  for (const name of (await readdir(folder)).filter((file) => file.endsWith(".csv")).sort()) {
    const [header, ...rows] = parseCsv(await readFile(join(folder, name), "utf8"));
    const column = header?.indexOf("prompt") ?? -1;
    if (column < 0) continue;
    for (const row of rows) if (row[column] && row[column]!.trim() !== "") prompts.push(row[column]!);
  }
  return prompts;
}
