import { MufflerError, runPaths } from "@muffler/core";
import { access } from "node:fs/promises";
import type { Split } from "./dataset-manifest.ts";
import { DATA_ERROR_CODES } from "./errors.ts";
import { DuckDbSession, sqlString } from "./internal/duckdb-session.ts";

/** Oriented battles of one split, ready for training: winner first. */
export interface PreparedBattles {
  /** The split's prompts; `promptIndices` point into this array. */
  prompts: string[];
  winnerIds: Int32Array;
  loserIds: Int32Array;
  promptIndices: Int32Array;
}

/**
 * Reads a prepared split from a run directory: the prompts of `dataset/raw/<split>.parquet` (row i is prompt i)
 * and the battles of `dataset/encoded/<split>.parquet` (for `train`, the balanced rows when balancing was asked).
 * @throws MufflerError `data/missing-dataset` when the files are absent.
 */
export async function readPreparedBattles(runDirectory: string, split: Split): Promise<PreparedBattles> {
  const paths = runPaths(runDirectory).dataset;
  const raw = split === "train" ? paths.rawTrain : paths.rawTest;
  const encoded = split === "train" ? paths.encodedTrain : paths.encodedTest;
  for (const path of [raw, encoded]) {
    try {
      await access(path);
    } catch (error) {
      throw new MufflerError("the run directory holds no prepared dataset.", { code: DATA_ERROR_CODES.missingDataset, file: path, hint: "Run `muffler prepare --run <dir> ...` first.", cause: error });
    }
  }
  const session = await DuckDbSession.open();
  try {
    // A raw row's position in its file is its prompt index; placing each prompt by its file row number keeps that
    // true whatever order DuckDB hands the rows over in.
    const [stored, indices] = (await session.read(`SELECT prompt, CAST(file_row_number AS INTEGER) FROM read_parquet(${sqlString(raw)}, file_row_number = true)`)).getColumnsJS() as [string[], number[]];
    const prompts = new Array<string>(stored.length);
    for (let row = 0; row < stored.length; row++) prompts[indices[row]!] = stored[row]!;
    const columns = (await session.read(`SELECT winner_id, loser_id, prompt_index FROM read_parquet(${sqlString(encoded)})`)).getColumnsJS() as number[][];
    return {
      prompts,
      winnerIds: Int32Array.from(columns[0]!),
      loserIds: Int32Array.from(columns[1]!),
      promptIndices: Int32Array.from(columns[2]!),
    };
  } finally {
    session.close();
  }
}
