import { MufflerError } from "@muffler/core";
import { DATA_ERROR_CODES } from "../errors.ts";
import type { FileFormat } from "../file-format.ts";

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
  const what = format === "parquet" ? "parquet file is corrupted or not parquet" : `${format.toUpperCase()} file could not be parsed`;
  return new MufflerError(`the ${what} (${firstLine.trim()}).`, {
    code: DATA_ERROR_CODES.corruptFile,
    file: displayPath,
    ...(row !== undefined && { row }),
    hint: format === "parquet" ? "Re-export or re-download the file." : "Fix the file at the place named, or re-export it.",
    cause: error,
  });
}
