import { fileSystemError, isMufflerError, MufflerError } from "@muffler/core";
import { open, stat } from "node:fs/promises";
import { DATA_ERROR_CODES } from "../errors.ts";
import type { FileFormat } from "../file-format.ts";
import { type CsvFault, readCsvHead } from "./csv-head.ts";
import { type DuckDbSession, sqlString } from "./duckdb-session.ts";

/** One column of a loaded table: its name and DuckDB type (`VARCHAR`, `BIGINT`, `JSON`, `VARCHAR[]`, ...). */
export interface ColumnInfo {
  name: string;
  type: string;
}

/**
 * Loads table files (all of one format) into the DuckDB table `table`, in file order (`rowid` is the 0-based data row).
 * CSV is read with every column as text, so that validation sees exactly what the file holds.
 * Maps DuckDB's parse errors to MufflerErrors naming the file and the row.
 */
export async function loadTable(session: DuckDbSession, options: { paths: string[]; displayPath: string; format: FileFormat; table: string }): Promise<ColumnInfo[]> {
  const { paths, displayPath, format, table } = options;
  for (const path of paths) {
    let size: number;
    try {
      const info = await stat(path);
      if (!info.isFile()) throw Object.assign(new Error("not a file"), { code: "EISDIR", path });
      size = info.size;
      // Opened, not access()ed: access checks the real user, open the effective one (what DuckDB gets).
      await (await open(path, "r")).close();
    } catch (error) {
      throw inputFileError(error, path);
    }
    if (size === 0) throw new MufflerError("the file is empty.", { code: DATA_ERROR_CODES.emptyFile, file: path, hint: "Give a file with a header and at least one data row." });
    if (format === "csv" || format === "tsv") {
      await checkCsvHead(path, format).catch((error: unknown) => {
        throw isMufflerError(error) ? error : inputFileError(error, path);
      });
    }
  }
  const list = `[${paths.map(sqlString).join(", ")}]`;
  const reader = readerSql(format, list, paths.length);
  try {
    await session.run(`CREATE OR REPLACE TABLE ${table} AS SELECT * FROM ${reader}`);
  } catch (error) {
    throw mapReadError(error, displayPath, format);
  }
  const columns = (await session.rows(`SELECT column_name, column_type FROM (DESCRIBE ${table})`)).map((row) => ({ name: String(row["column_name"]), type: String(row["column_type"]) }));
  const rows = await session.number(`SELECT count(*) FROM ${table}`);
  if (rows === 0) {
    throw new MufflerError("the file has no data rows.", { code: DATA_ERROR_CODES.emptyFile, file: displayPath, hint: "Give a file with at least one data row." });
  }
  return columns;
}

function readerSql(format: FileFormat, list: string, files: number): string {
  // union_by_name only for several files: it costs a little even for one.
  const union = files > 1 ? ", union_by_name = true" : "";
  switch (format) {
    case "csv":
      return `read_csv(${list}, header = true, all_varchar = true${union})`;
    case "tsv":
      return `read_csv(${list}, header = true, all_varchar = true, delim = '\t'${union})`;
    case "jsonl":
      return `read_json(${list}, format = 'newline_delimited'${union})`;
    case "json":
      return `read_json(${list}, format = 'auto'${union})`;
    case "parquet":
      return `read_parquet(${list}${union})`;
  }
}

/**
 * A file that cannot be opened: `data/missing-file` when it does not exist, else what the file system says
 * (`core/permission-denied`, `core/symlink-loop`, `core/is-a-directory`, ...), naming the path.
 */
export function inputFileError(error: unknown, path: string): MufflerError {
  const typed = fileSystemError(error, { path, action: "read" });
  if (typed) return typed;
  return new MufflerError("file not found.", { code: DATA_ERROR_CODES.missingFile, file: path, hint: "Check the path (relative paths are resolved from the current directory).", cause: error });
}

/**
 * Reads the top of a CSV/TSV strictly (see `readCsvHead`) so that a fault there is reported as what it is: DuckDB's
 * dialect sniffer, misled by it, would otherwise guess another delimiter or quote (giving "missing columns" or
 * silently keeping the quote in the text). Also rejects a header that names a column twice.
 */
async function checkCsvHead(path: string, format: "csv" | "tsv"): Promise<void> {
  const head = await readCsvHead(path, { delimiter: format === "csv" ? "," : "\t" });
  if (!head) return;
  const seen = new Set<string>();
  for (const name of head.header) {
    if (seen.has(name)) {
      throw new MufflerError(`the header names column "${name}" twice (header: ${head.header.join(", ")}).`, {
        code: DATA_ERROR_CODES.duplicateColumns,
        file: path,
        column: name,
        hint: "Rename or remove one of them, so that each column has its own name.",
      });
    }
    seen.add(name);
  }
  if (head.fault) throw csvFaultError(head.fault, path);
}

function csvFaultError(fault: CsvFault, path: string): MufflerError {
  const at = fault.row === 0 ? {} : { row: fault.row };
  switch (fault.kind) {
    case "unclosed-quote":
      return new MufflerError(`a quoted field opens a quote (") that never closes${fault.row === 0 ? " in the header" : ""}.`, {
        code: DATA_ERROR_CODES.unclosedQuote,
        file: path,
        ...at,
        hint: 'Close the quote, or double a quote that belongs to the text (""), as CSV requires.',
      });
    case "text-after-quote":
      return new MufflerError(`a quoted field${fault.row === 0 ? " of the header" : ""} is followed by ${JSON.stringify(fault.found)} after its closing quote: a quote in it is not doubled, or one is missing.`, {
        code: DATA_ERROR_CODES.unclosedQuote,
        file: path,
        ...at,
        hint: 'Double every quote that belongs to the text (""), and end each quoted field with a quote followed by the delimiter.',
      });
    case "field-count":
      return new MufflerError(`the row has ${fault.found} field${fault.found === 1 ? "" : "s"}, the header ${fault.expected}.`, {
        code: DATA_ERROR_CODES.wrongFieldCount,
        file: path,
        ...at,
        hint: "Quote fields that contain the delimiter, and give every row as many fields as the header.",
      });
  }
}

/** Turns a DuckDB read error into a MufflerError with the file and the data row where DuckDB names one. */
export function mapReadError(error: unknown, displayPath: string, format: FileFormat): MufflerError {
  const message = error instanceof Error ? error.message : String(error);
  const lineMatch = /(?:CSV Error on Line|line):? (\d+)/i.exec(message);
  const line = lineMatch ? Number(lineMatch[1]) : undefined;
  // A CSV's line 1 is its header, so data row = line - 1. DuckDB 1.5's JSON reader names the line after the bad one
  // (checked: a bad first line is reported as "line 2"), so there too data row = line - 1.
  const row = line === undefined ? undefined : format === "parquet" ? line : Math.max(line - 1, 1);
  const firstLine = message.split("\n")[0]?.replace(/^[A-Za-z ]*Error: /, "") ?? message;
  if (/unicode|utf-?8/i.test(message)) {
    return new MufflerError("the file is not valid UTF-8 text.", {
      code: DATA_ERROR_CODES.notUtf8,
      file: displayPath,
      ...(row !== undefined && { row }),
      hint: "Convert it to UTF-8 (for example `iconv -f latin1 -t utf-8 in.csv > out.csv`) and run again.",
      cause: error,
    });
  }
  const denied = fileSystemError(error, { path: displayPath, action: "read" });
  if (denied) return denied;
  if (/Expected Number of Columns/i.test(message)) {
    return new MufflerError(`the row has a different number of fields than the header (${firstLine.trim()}).`, {
      code: DATA_ERROR_CODES.wrongFieldCount,
      file: displayPath,
      ...(row !== undefined && { row }),
      hint: "Quote fields that contain the delimiter, and give every row as many fields as the header.",
      cause: error,
    });
  }
  if (/unterminated quote/i.test(message)) {
    return new MufflerError(`a quoted field never closes its quote (${firstLine.trim()}).`, {
      code: DATA_ERROR_CODES.unclosedQuote,
      file: displayPath,
      ...(row !== undefined && { row }),
      hint: 'Close the quote, or double a quote that belongs to the text (""), as CSV requires.',
      cause: error,
    });
  }
  const what = format === "parquet" ? "parquet file is corrupted or not parquet" : `${format.toUpperCase()} file could not be parsed`;
  return new MufflerError(`the ${what} (${firstLine.trim()}).`, {
    code: DATA_ERROR_CODES.corruptFile,
    file: displayPath,
    ...(row !== undefined && { row }),
    hint: format === "parquet" ? "Re-export or re-download the file." : "Fix the file at the place named, or re-export it.",
    cause: error,
  });
}
