import { MufflerError } from "@muffler/core";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { DATA_ERROR_CODES } from "../errors.ts";
import { detectFileFormat, type FileFormat } from "../file-format.ts";
import { inputFileError } from "./load-table.ts";

/** Files to read as one table, all of one format. */
export interface ResolvedInput {
  paths: string[];
  format: FileFormat;
  /** How errors name the input. */
  displayPath: string;
}

/**
 * A local file, or a folder of table files of one format (read in sorted order, as shards of one table).
 * @throws MufflerError `data/missing-file`, `data/unknown-format`, `core/permission-denied`, `core/symlink-loop`
 */
export async function resolveLocalInput(path: string): Promise<ResolvedInput> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (error) {
    throw inputFileError(error, path);
  }
  if (!isDirectory) return { paths: [path], format: detectFileFormat(path), displayPath: path };
  const names = (await readdir(path).catch((error: unknown) => {
    throw inputFileError(error, path);
  })).filter((name) => !name.startsWith(".")).sort();
  const files = names.filter((name) => /\.(csv|tsv|jsonl|ndjson|json|parquet|pq)$/i.test(name));
  if (files.length === 0) {
    throw new MufflerError("the folder holds no .csv, .tsv, .jsonl, .json or .parquet file.", { code: DATA_ERROR_CODES.missingFile, file: path, hint: "Give a file, or a folder of table files." });
  }
  const formats = new Set(files.map((name) => detectFileFormat(join(path, name))));
  if (formats.size > 1) {
    throw new MufflerError(`the folder mixes formats (${[...formats].join(", ")}).`, { code: DATA_ERROR_CODES.unknownFormat, file: path, hint: "Keep one format per folder, or give one file." });
  }
  return { paths: files.map((name) => join(path, name)), format: [...formats][0]!, displayPath: path };
}
