import { open } from "node:fs/promises";

/** What a strict RFC 4180 reading of the top of a CSV/TSV file found wrong, with the 1-based data row (0: the header). */
export type CsvFault =
  | { kind: "unclosed-quote"; row: number }
  | { kind: "text-after-quote"; row: number; found: string }
  | { kind: "field-count"; row: number; expected: number; found: number };

/** The header and the first fault (if any) of the top of a delimited file. */
export interface CsvHead {
  header: string[];
  fault?: CsvFault;
}

/** Rows read strictly: DuckDB's dialect sniffer samples about 20,000 rows, and a fault among them misleads it. */
export const CSV_HEAD_ROWS = 20_480;
const CHUNK_BYTES = 1 << 20;
/** A quoted field still open after this much text is taken as unclosed (no prompt is 64 MB). */
const MAX_BYTES = 64 << 20;

/**
 * Reads the header and up to `maxRows` data rows of a CSV (`,`) or TSV (tab) file strictly, as RFC 4180 says
 * (fields may be quoted with `"`, a quote inside is doubled, records end with LF or CRLF, blank lines are skipped),
 * and reports the first fault: a quote that never closes, text after a closing quote, or a row whose field count
 * differs from the header's. Returns `undefined` when the header has a single field (another delimiter: DuckDB's
 * sniffer handles that file).
 */
export async function readCsvHead(path: string, options: { delimiter: "," | "\t"; maxRows?: number }): Promise<CsvHead | undefined> {
  const maxRows = options.maxRows ?? CSV_HEAD_ROWS;
  const handle = await open(path, "r");
  try {
    let text = "";
    let position = 0;
    const decoder = new TextDecoder("utf-8");
    const buffer = Buffer.alloc(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
      position += bytesRead;
      const complete = bytesRead < CHUNK_BYTES;
      text += decoder.decode(buffer.subarray(0, bytesRead), { stream: !complete });
      const result = parseHead(text, options.delimiter, maxRows, complete || position >= MAX_BYTES);
      if (result !== "more") return result;
    }
  } finally {
    await handle.close();
  }
}

/** Parses `text`; `"more"` when it ends inside the first `maxRows` rows and more text may follow. */
function parseHead(input: string, delimiter: string, maxRows: number, complete: boolean): CsvHead | undefined | "more" {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  let header: string[] | undefined;
  let row = 0;
  let index = 0;
  const length = text.length;
  while (index < length) {
    // One record.
    const fields: string[] = [];
    for (;;) {
      if (text[index] === '"') {
        const openedAt = header === undefined ? 0 : row + 1;
        let value = "";
        let from = index + 1;
        for (;;) {
          const quote = text.indexOf('"', from);
          if (quote === -1) {
            if (!complete) return "more";
            return { header: header ?? [], fault: { kind: "unclosed-quote", row: openedAt } };
          }
          if (text[quote + 1] === '"') {
            value += text.slice(from, quote + 1);
            from = quote + 2;
            continue;
          }
          value += text.slice(from, quote);
          index = quote + 1;
          break;
        }
        fields.push(value);
        const next = text[index];
        if (next === undefined && !complete) return "more";
        if (next !== undefined && next !== delimiter && next !== "\n" && next !== "\r") {
          return { header: header ?? [], fault: { kind: "text-after-quote", row: openedAt, found: text.slice(index, index + 12) } };
        }
      } else {
        let end = index;
        while (end < length && text[end] !== delimiter && text[end] !== "\n" && text[end] !== "\r") end++;
        if (end === length && !complete) return "more";
        fields.push(text.slice(index, end));
        index = end;
      }
      if (text[index] === delimiter) {
        index++;
        continue;
      }
      // End of the record: CRLF, LF, CR or the end of the text.
      if (text[index] === "\r") index++;
      if (text[index] === "\n") index++;
      break;
    }
    if (header === undefined) {
      header = fields;
      if (header.length < 2) return undefined;
      continue;
    }
    if (fields.length === 1 && fields[0] === "") continue; // a blank line
    row++;
    if (fields.length !== header.length) return { header, fault: { kind: "field-count", row, expected: header.length, found: fields.length } };
    if (row >= maxRows) return { header };
  }
  if (!complete) return "more";
  return header === undefined ? undefined : { header };
}
