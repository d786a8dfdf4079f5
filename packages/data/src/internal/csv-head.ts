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
const FIRST_READ_BYTES = 4 << 20;
/** A quoted field still open after this much text is taken as unclosed (no prompt is 64 MB). */
const MAX_BYTES = 64 << 20;

/**
 * Reads the header and up to `maxRows` data rows of a CSV (`,`) or TSV (tab) file strictly, as RFC 4180 says
 * (fields may be quoted with `"`, a quote inside is doubled, records end with LF or CRLF, blank lines are skipped),
 * and reports the first fault: a quote that never closes, text after a closing quote, or a row whose field count
 * differs from the header's. Returns `undefined` when the header has a single field (another delimiter: DuckDB's
 * sniffer handles that file). Reads 4 MB first, more (doubling) only when the rows are longer.
 */
export async function readCsvHead(path: string, options: { delimiter: "," | "\t"; maxRows?: number }): Promise<CsvHead | undefined> {
  const maxRows = options.maxRows ?? CSV_HEAD_ROWS;
  const handle = await open(path, "r");
  try {
    const size = (await handle.stat()).size;
    for (let bytes = FIRST_READ_BYTES; ; bytes *= 2) {
      const length = Math.min(bytes, size, MAX_BYTES);
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, 0);
      const complete = bytesRead >= size || bytesRead >= MAX_BYTES;
      // A cut through a multi-byte character at the end only garbles the last (unparsed) row.
      const result = parseHead(buffer.toString("utf8", 0, bytesRead), options.delimiter.charCodeAt(0), maxRows, complete);
      if (result !== "more") return result;
    }
  } finally {
    await handle.close();
  }
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Parses `text`; `"more"` when it ends inside the first `maxRows` rows and more text may follow. */
function parseHead(input: string, delimiter: number, maxRows: number, complete: boolean): CsvHead | undefined | "more" {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const length = text.length;
  let header: string[] | undefined;
  let row = 0;
  let index = 0;
  while (index < length) {
    // One record: count its fields (and keep their text for the header only).
    const names: string[] | undefined = header === undefined ? [] : undefined;
    let fields = 0;
    let blank = true;
    for (;;) {
      fields++;
      if (text.charCodeAt(index) === QUOTE) {
        blank = false;
        const openedAt = header === undefined ? 0 : row + 1;
        let from = index + 1;
        let value = "";
        for (;;) {
          const quote = text.indexOf('"', from);
          if (quote === -1) {
            if (!complete) return "more";
            return { header: header ?? [], fault: { kind: "unclosed-quote", row: openedAt } };
          }
          if (text.charCodeAt(quote + 1) === QUOTE) {
            if (names) value += text.slice(from, quote + 1);
            from = quote + 2;
            continue;
          }
          if (names) value += text.slice(from, quote);
          index = quote + 1;
          break;
        }
        names?.push(value);
        if (index >= length && !complete) return "more";
        const next = text.charCodeAt(index);
        if (index < length && next !== delimiter && next !== LF && next !== CR) {
          return { header: header ?? [], fault: { kind: "text-after-quote", row: openedAt, found: text.slice(index, index + 12) } };
        }
      } else {
        let end = index;
        for (; end < length; end++) {
          const code = text.charCodeAt(end);
          if (code === delimiter || code === LF || code === CR) break;
        }
        if (end === length && !complete) return "more";
        if (end > index) blank = false;
        names?.push(text.slice(index, end));
        index = end;
      }
      if (text.charCodeAt(index) === delimiter) {
        blank = false;
        index++;
        continue;
      }
      // End of the record: CRLF, LF, CR or the end of the text.
      if (text.charCodeAt(index) === CR) index++;
      if (text.charCodeAt(index) === LF) index++;
      break;
    }
    if (names) {
      header = names;
      if (header.length < 2) return undefined;
      continue;
    }
    if (blank) continue; // a blank line
    row++;
    if (fields !== header!.length) return { header: header!, fault: { kind: "field-count", row, expected: header!.length, found: fields } };
    if (row >= maxRows) return { header: header! };
  }
  if (!complete) return "more";
  return header === undefined ? undefined : { header };
}
