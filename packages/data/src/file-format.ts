import { MufflerError } from "@muffler/core";
import { extname } from "node:path";
import { DATA_ERROR_CODES } from "./errors.ts";

/** The table formats Muffler reads. */
export const FILE_FORMATS = ["csv", "tsv", "jsonl", "json", "parquet"] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

const EXTENSIONS: Record<string, FileFormat> = {
  ".csv": "csv",
  ".tsv": "tsv",
  ".jsonl": "jsonl",
  ".ndjson": "jsonl",
  ".json": "json",
  ".parquet": "parquet",
  ".pq": "parquet",
};

/**
 * The format of a table file, from its extension (`.csv`, `.tsv`, `.jsonl`/`.ndjson`, `.json`, `.parquet`/`.pq`).
 * @throws MufflerError `data/unknown-format` for any other extension.
 */
export function detectFileFormat(path: string): FileFormat {
  const format = EXTENSIONS[extname(path).toLowerCase()];
  if (format === undefined) {
    throw new MufflerError(`unknown format "${extname(path) || "(no extension)"}"; Muffler reads .csv, .tsv, .jsonl, .ndjson, .json and .parquet files.`, {
      code: DATA_ERROR_CODES.unknownFormat,
      file: path,
      hint: "Rename the file with the extension of its format, or convert it to CSV or parquet.",
    });
  }
  return format;
}
