import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh temporary folder; remove it with `cleanup`. For tests. */
export async function temporaryFolder(): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "muffler-data-"));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** A CSV cell, quoted when needed. */
function cell(value: unknown): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Writes rows (objects with the same keys) as a CSV file and returns its path. For tests. */
export async function writeCsv(path: string, rows: Record<string, unknown>[], header?: string[]): Promise<string> {
  const columns = header ?? Object.keys(rows[0] ?? {});
  const lines = [columns.map(cell).join(","), ...rows.map((row) => columns.map((column) => cell(row[column] ?? "")).join(","))];
  await writeFile(path, `${lines.join("\n")}\n`);
  return path;
}

/** Writes rows as JSON lines and returns the path. For tests. */
export async function writeJsonLines(path: string, rows: unknown[]): Promise<string> {
  await writeFile(path, `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`);
  return path;
}

/**
 * `n` battles between `gpt-4` (strong) and `mixtral` (weak), both orientations, with 2/3 of the decisive ones won by
 * the strong model and every fifth a tie. Prompts are unique.
 */
export function exampleBattles(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, index) => {
    const strongFirst = index % 2 === 0;
    const tie = index % 5 === 4;
    const strongWins = !tie && index % 3 !== 2;
    const aWins = !tie && strongWins === strongFirst;
    return {
      model_a: strongFirst ? "gpt-4" : "mixtral",
      model_b: strongFirst ? "mixtral" : "gpt-4",
      prompt: `Question ${index}: what is ${index} + ${index}?`,
      winner_model_a: aWins ? 1 : 0,
      winner_model_b: !tie && !aWins ? 1 : 0,
      winner_tie: tie ? 1 : 0,
    };
  });
}

/** Every file and folder under `path`, relative, sorted (hidden temporary files included). For tests. */
export async function listTree(path: string): Promise<string[]> {
  try {
    return (await readdir(path, { recursive: true })).map(String).sort();
  } catch {
    return [];
  }
}
