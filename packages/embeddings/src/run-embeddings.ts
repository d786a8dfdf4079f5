import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { MufflerError, parseRunFile, runEmbeddingsManifestSchema, runPaths, sha256, writeFileAtomic, writeRunFile, type RunEmbeddingsManifest } from "@muffler/core";
import type { EmbedderSpec, StoredEmbedderSpec } from "./embedder-spec.ts";
import { EMBEDDINGS_ERROR_CODES } from "./errors.ts";

/** The splits a run directory holds embeddings for. */
export type EmbeddingSplit = "train" | "test";

/** A split's embeddings as `readRunEmbeddings` returns them: one row per prompt of `readPreparedBattles(...).prompts`. */
export interface RunEmbeddings {
  embedderId: string;
  /** The name the embedder was created from (`use-lite`, `lexical`, `st:...`). */
  embedderName: string;
  /** The embedder as `{ name, options }`: `createEmbedder(embedder)` rebuilds it. */
  embedder: StoredEmbedderSpec;
  dimension: number;
  rows: number;
  /** rows x dimension, row-major, each row L2-normalized. */
  data: Float32Array;
  /** `hashPrompts` of the prompts the rows belong to. */
  promptsHash: string;
}

/** A stable hash of an ordered list of prompts (sha256 over each prompt's own sha256). */
export function hashPrompts(prompts: readonly string[]): string {
  const hash = createHash("sha256");
  for (const prompt of prompts) hash.update(sha256(prompt));
  return hash.digest("hex");
}

/** The files of a split's embeddings in a run directory. */
export function runEmbeddingsPaths(runDirectory: string, split: EmbeddingSplit): { data: string; manifest: string } {
  return runPaths(runDirectory).embeddingsFiles.split(split);
}

/** Options of `writeRunEmbeddings`. */
export interface WriteRunEmbeddingsOptions {
  runDirectory: string;
  split: EmbeddingSplit;
  embedderId: string;
  embedderName: string;
  /** The embedder as `{ name, options }` (`embedderSpec(name, options)`). @default { name: embedderName } */
  embedder?: EmbedderSpec;
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
    embedder: { name: options.embedder?.name ?? options.embedderName, ...(options.embedder?.options !== undefined && { options: { ...options.embedder.options } }) },
    dimension,
    rows: vectors.length,
    promptsHash: hashPrompts(options.prompts),
    dataSha256: sha256(bytes),
    createdAt: new Date().toISOString(),
  };
  await writeRunFile({ path: paths.manifest, schema: runEmbeddingsManifestSchema, value: manifest });
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
  return {
    embedderId: manifest.embedderId,
    embedderName: manifest.embedderName,
    embedder: manifest.embedder ?? { name: manifest.embedderName },
    dimension: manifest.dimension,
    rows: manifest.rows,
    data,
    promptsHash: manifest.promptsHash,
  };
}

function parseManifest(text: string, file: string, split: EmbeddingSplit): RunEmbeddingsManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MufflerError("is not valid JSON.", { code: EMBEDDINGS_ERROR_CODES.corruptRunEmbeddings, file, cause: error });
  }
  const manifest = parseRunFile({ value, path: file, schema: runEmbeddingsManifestSchema, code: EMBEDDINGS_ERROR_CODES.corruptRunEmbeddings });
  if (manifest.split !== split) {
    throw new MufflerError(`is the manifest of the ${manifest.split} split, not of the ${split} split.`, { code: EMBEDDINGS_ERROR_CODES.corruptRunEmbeddings, file, field: "split" });
  }
  return manifest;
}
