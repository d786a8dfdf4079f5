import { MufflerError } from "@muffler/core";
import { stat } from "node:fs/promises";
import { DATA_ERROR_CODES } from "../errors.ts";
import type { FileFormat } from "../file-format.ts";
import { type DuckDbSession, sqlString } from "./duckdb-session.ts";
import { mapReadError } from "./map-read-error.ts";

/** One column of a loaded table: its name and DuckDB type (`VARCHAR`, `BIGINT`, `JSON`, `VARCHAR[]`, ...). */
export interface ColumnInfo {
  name: string;
  type: string;
}

/** The column of the source view holding the 1-based data row (a name no input is expected to use). */
export const SOURCE_ROW_COLUMN = "__muffler_source_row";

/**
 * Defines the view `view` over table files (all of one format), or over an existing table, without loading them:
 * every column of the input plus {@link SOURCE_ROW_COLUMN}, the 1-based data row (`row_number() OVER ()`: exact when
 * the session runs statements on one thread, as DuckDB then reads in file order). Each query through the views reads the files again (DuckDB reads only the columns a query uses). CSV is
 * read with every column as text, so that validation sees exactly what the file holds; a single CSV/TSV file is
 * sniffed once and read with the dialect found, so later queries do not sniff again. Checks that the files exist and
 * are not empty, and maps DuckDB's parse errors to MufflerErrors naming the file and the row (the rows themselves are
 * read, and checked, by `normalizeBattles`).
 */
export async function defineSourceView(
  session: DuckDbSession,
  options: { view: string; displayPath: string } & ({ paths: string[]; format: FileFormat } | { table: string }),
): Promise<ColumnInfo[]> {
  const { view, displayPath } = options;
  let from: string;
  let format: FileFormat | undefined;
  if ("table" in options) {
    from = options.table;
  } else {
    const { paths } = options;
    format = options.format;
    for (const path of paths) {
      let size: number;
      try {
        const info = await stat(path);
        if (!info.isFile()) throw new Error("not a file");
        size = info.size;
      } catch (error) {
        throw new MufflerError("file not found.", { code: DATA_ERROR_CODES.missingFile, file: path, hint: "Check the path (relative paths are resolved from the current directory).", cause: error });
      }
      if (size === 0) throw new MufflerError("the file is empty.", { code: DATA_ERROR_CODES.emptyFile, file: path, hint: "Give a file with a header and at least one data row." });
    }
    from = readerSql(format, `[${paths.map(sqlString).join(", ")}]`, paths.length);
  }
  let columns: ColumnInfo[];
  try {
    if (format !== undefined && (format === "csv" || format === "tsv") && "paths" in options && options.paths.length === 1) {
      from = await sniffedCsvReader(session, options.paths[0]!, format);
    }
    await session.run(`CREATE OR REPLACE VIEW ${view} AS SELECT row_number() OVER () AS ${SOURCE_ROW_COLUMN}, * FROM ${from}`);
    columns = (await session.rows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${from})`)).map((row) => ({ name: String(row["column_name"]), type: String(row["column_type"]) }));
  } catch (error) {
    throw format === undefined ? error : mapReadError(error, displayPath, format);
  }
  return columns;
}

/** The error for an input with a header (or a schema) and no data rows. */
export function noDataRows(displayPath: string): MufflerError {
  return new MufflerError("the file has no data rows.", { code: DATA_ERROR_CODES.emptyFile, file: displayPath, hint: "Give a file with at least one data row." });
}

/** `read_csv` of one file with the dialect DuckDB's sniffer finds, every column as text, and no further sniffing. */
async function sniffedCsvReader(session: DuckDbSession, path: string, format: "csv" | "tsv"): Promise<string> {
  const delimiter = format === "tsv" ? ", delim = '\t'" : "";
  const sniffed = (
    await session.rows(`SELECT Delimiter AS delim, Quote AS quote, Escape AS escape, NewLineDelimiter AS new_line, Comment AS comment, SkipRows AS skip,
      HasHeader AS header, list_transform(Columns, entry -> entry.name) AS names FROM sniff_csv(${sqlString(path)}, header = true, all_varchar = true${delimiter})`)
  )[0]!;
  // The sniffer writes an empty setting as "(empty)". The line ending is left to the reader (it takes \n and \r\n;
  // the sniffer's value, passed back, made DuckDB 1.5 read no rows at all).
  const value = (name: string) => (sniffed[name] === "(empty)" ? "" : String(sniffed[name]));
  const options = ["delim", "quote", "escape"].map((name) => `${name} = ${sqlString(value(name))}`);
  if (value("comment") !== "") options.push(`comment = ${sqlString(value("comment"))}`);
  const names = sniffed["names"] as string[];
  const columns = `{${names.map((name) => `${sqlString(name)}: 'VARCHAR'`).join(", ")}}`;
  return `read_csv(${sqlString(path)}, auto_detect = false, ${options.join(", ")}, skip = ${Number(sniffed["skip"])}, header = ${sniffed["header"] === true}, columns = ${columns}, all_varchar = true)`;
}

/** The DuckDB table function that reads `list` (a SQL list of paths) in `format`. */
export function readerSql(format: FileFormat, list: string, files: number): string {
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

