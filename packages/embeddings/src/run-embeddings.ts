import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { MufflerError, runPaths, sha256, writeFileAtomic, writeJsonAtomic } from "@muffler/core";
import { EMBEDDINGS_ERROR_CODES } from "./errors.ts";

/** The splits a run directory holds embeddings for. */
export type EmbeddingSplit = "train" | "test";

/** A split's embeddings as `readRunEmbeddings` returns them: one row per prompt of `readPreparedBattles(...).prompts`. */
export interface RunEmbeddings {
  embedderId: string;
  /** The name the embedder was created from (`use-lite`, `lexical`, `st:...`). */
  embedderName: string;
  dimension: number;
  rows: number;
  /** rows x dimension, row-major, each row L2-normalized. */
  data: Float32Array;
  /** `hashPrompts` of the prompts the rows belong to. */
  promptsHash: string;
}

/** `embeddings/<split>.json`: describes `embeddings/<split>.f32` (raw little-endian float32, row-major). */
interface RunEmbeddingsManifest {
  format: "muffler-embeddings";
  version: 1;
  split: EmbeddingSplit;
  embedderId: string;
  embedderName: string;
  dimension: number;
  rows: number;
  promptsHash: string;
  dataSha256: string;
  createdAt: string;
}

/** A stable hash of an ordered list of prompts (sha256 over each prompt's own sha256). */
export function hashPrompts(prompts: readonly string[]): string {
  const hash = createHash("sha256");
  for (const prompt of prompts) hash.update(sha256(prompt));
  return hash.digest("hex");
}

/** The files of a split's embeddings in a run directory. */
export function runEmbeddingsPaths(runDirectory: string, split: EmbeddingSplit): { data: string; manifest: string } {
  const directory = runPaths(runDirectory).embeddings;
  return { data: join(directory, `${split}.f32`), manifest: join(directory, `${split}.json`) };
}

/** Options of `writeRunEmbeddings`. */
export interface WriteRunEmbeddingsOptions {
  runDirectory: string;
  split: EmbeddingSplit;
  embedderId: string;
  embedderName: string;
  dimension: number;
  /** One L2-normalized row per prompt, in prompt order. */
  vectors: readonly Float32Array[];
  /** The prompts the rows belong to (only their hash is kept). */
  prompts: readonly string[];
}

/**
 * Writes a split's embeddings to `embeddings/<split>.f32` + `embeddings/<split>.json` (both atomic; the manifest,
 * written last, carries the data's sha256, so a reader never pairs a manifest with other data).
 */
export async function writeRunEmbeddings(options: WriteRunEmbeddingsOptions): Promise<{ data: string; manifest: string }> {
  const { vectors, dimension } = options;
  if (vectors.length !== options.prompts.length) {
    throw new MufflerError(`${vectors.length} vectors for ${options.prompts.length} prompts.`, { code: EMBEDDINGS_ERROR_CODES.badModelOutput, kind: "internal" });
  }
  const data = new Float32Array(vectors.length * dimension);
  vectors.forEach((vector, row) => {
    if (vector.length !== dimension) {
      throw new MufflerError(`row ${row} has ${vector.length} values, expected ${dimension}.`, { code: EMBEDDINGS_ERROR_CODES.badModelOutput, kind: "internal" });
    }
    data.set(vector, row * dimension);
  });
  const bytes = new Uint8Array(data.buffer);
  const paths = runEmbeddingsPaths(options.runDirectory, options.split);
  await writeFileAtomic(paths.data, bytes);
  const manifest: RunEmbeddingsManifest = {
    format: "muffler-embeddings",
    version: 1,
    split: options.split,
    embedderId: options.embedderId,
    embedderName: options.embedderName,
    dimension,
    rows: vectors.length,
    promptsHash: hashPrompts(options.prompts),
    dataSha256: sha256(bytes),
    createdAt: new Date().toISOString(),
  };
  await writeJsonAtomic(paths.manifest, manifest);
  return paths;
}

/**
 * Reads a split's embeddings written by `muffler embed`: `{ embedderId, dimension, rows, data }`, one row per prompt
 * of `readPreparedBattles(runDirectory, split).prompts`. Checks the data's size and sha256 against the manifest.
 * @throws MufflerError `embeddings/missing-run-embeddings` when absent, `embeddings/corrupt-run-embeddings` when damaged.
 */
export async function readRunEmbeddings(runDirectory: string, split: EmbeddingSplit): Promise<RunEmbeddings> {
  const paths = runEmbeddingsPaths(runDirectory, split);
  let manifestText: string;
  try {
    manifestText = await readFile(paths.manifest, "utf8");
  } catch (error) {
    throw new MufflerError(`the run has no ${split} embeddings.`, {
      code: EMBEDDINGS_ERROR_CODES.missingRunEmbeddings,
      file: paths.manifest,
      hint: `Run \`muffler embed --run ${runDirectory}\` first.`,
      cause: error,
    });
  }
  const manifest = parseManifest(manifestText, paths.manifest, split);
  let bytes: Buffer;
  try {
    bytes = await readFile(paths.data);
  } catch (error) {
    throw new MufflerError(`the ${split} embeddings data file is missing.`, {
      code: EMBEDDINGS_ERROR_CODES.missingRunEmbeddings,
      file: paths.data,
      hint: `Run \`muffler embed --run ${runDirectory}\` again.`,
      cause: error,
    });
  }
  if (bytes.length !== manifest.rows * manifest.dimension * 4 || sha256(bytes) !== manifest.dataSha256) {
    throw new MufflerError(`holds ${bytes.length} bytes that do not match its manifest (${manifest.rows} x ${manifest.dimension} float32, sha256 ${manifest.dataSha256.slice(0, 12)}...).`, {
      code: EMBEDDINGS_ERROR_CODES.corruptRunEmbeddings,
      file: paths.data,
      hint: `Delete ${paths.manifest} and run \`muffler embed --run ${runDirectory}\` again (the cache makes it quick).`,
    });
  }
  const data = new Float32Array(manifest.rows * manifest.dimension);
  new Uint8Array(data.buffer).set(bytes);
  return { embedderId: manifest.embedderId, embedderName: manifest.embedderName, dimension: manifest.dimension, rows: manifest.rows, data, promptsHash: manifest.promptsHash };
}

function parseManifest(text: string, file: string, split: EmbeddingSplit): RunEmbeddingsManifest {
  let value: Partial<RunEmbeddingsManifest>;
  try {
    value = JSON.parse(text) as Partial<RunEmbeddingsManifest>;
  } catch (error) {
    throw new MufflerError("is not valid JSON.", { code: EMBEDDINGS_ERROR_CODES.corruptRunEmbeddings, file, cause: error });
  }
  const fields: (keyof RunEmbeddingsManifest)[] = ["embedderId", "embedderName", "promptsHash", "dataSha256"];
  for (const field of fields) {
    if (typeof value[field] !== "string") throw new MufflerError("is missing a string.", { code: EMBEDDINGS_ERROR_CODES.corruptRunEmbeddings, file, field });
  }
  for (const field of ["dimension", "rows"] as const) {
    if (!Number.isInteger(value[field]) || value[field]! < (field === "dimension" ? 1 : 0)) {
      throw new MufflerError("must be a non-negative integer.", { code: EMBEDDINGS_ERROR_CODES.corruptRunEmbeddings, file, field });
    }
  }
  if (value.format !== "muffler-embeddings" || value.version !== 1 || value.split !== split) {
    throw new MufflerError(`is not a version 1 muffler-embeddings manifest of the ${split} split.`, { code: EMBEDDINGS_ERROR_CODES.corruptRunEmbeddings, file, field: "format" });
  }
  return value as RunEmbeddingsManifest;
}
