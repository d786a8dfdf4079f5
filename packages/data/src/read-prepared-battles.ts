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
 * Reads a prepared split from a run directory: the prompts of `dataset/raw/<split>.parquet` (in prompt-index order)
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
    const prompts = (await session.read(`SELECT prompt FROM read_parquet(${sqlString(raw)}) ORDER BY prompt_index`)).getColumnsJS()[0] as string[];
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
