import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, isAbsolute, join, resolve } from "node:path";
import { MufflerError, sha256File } from "@muffler/core";
import { DEFAULT_BATCH_SIZE } from "./embedder.ts";
import type { EmbedOptions, Embedder } from "./embedder.ts";
import { EMBEDDINGS_ERROR_CODES } from "./errors.ts";
import type * as TransformersModule from "@huggingface/transformers";
import { l2NormalizeInPlace } from "./internal/l2-normalize.ts";
import { lengthBatches } from "./internal/length-batches.ts";
import { prepareTexts, resolveBatchSize, throwIfAborted } from "./internal/prepare-texts.ts";

/** The files a local sentence-transformers ONNX folder must hold (the layout of the Xenova/* exports). */
export const SENTENCE_TRANSFORMER_FILES = ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"] as const;

/** Options of the `st:<model>` embedder. */
export interface SentenceTransformerEmbedderOptions {
  /**
   * A local folder (a path: absolute, or starting with `.`; it must hold `config.json`, `tokenizer.json`,
   * `tokenizer_config.json` and `onnx/model.onnx`) or a Hugging Face model id with ONNX weights
   * (`Xenova/all-mpnet-base-v2`), looked up in the HF cache.
   */
  model: string;
  /**
   * Let a Hugging Face id be downloaded into the HF cache when it is not there yet. Off by default: nothing is
   * fetched unless asked.
   * @default false
   */
  allowDownload?: boolean;
  /**
   * Where downloaded models are kept.
   * @default @huggingface/transformers' own cache folder (`env.cacheDir`)
   */
  cacheDirectory?: string;
  /**
   * Truncation policy: at most this many tokens (special tokens included, the final separator kept, as
   * sentence-transformers does).
   * @default `max_seq_length` of sentence_bert_config.json, else the tokenizer's `model_max_length`, at most 512
   */
  maxTokens?: number;
}

type Transformers = typeof TransformersModule;
type Tokenizer = Awaited<ReturnType<Transformers["AutoTokenizer"]["from_pretrained"]>>;
type Model = Awaited<ReturnType<Transformers["AutoModel"]["from_pretrained"]>>;
interface TensorLike {
  data: ArrayLike<number | bigint>;
  dims: number[];
  dispose?: () => void;
}

/**
 * A sentence-transformers model exported to ONNX, run by @huggingface/transformers on onnxruntime-node (CPU):
 * token embeddings mean-pooled over the attention mask, then L2-normalized, as sentence-transformers'
 * `Pooling(mean)` + `Normalize` modules do.
 */
export async function createSentenceTransformerEmbedder(options: SentenceTransformerEmbedderOptions): Promise<Embedder> {
  const local = isLocalPath(options.model);
  const location = local ? resolve(options.model) : options.model;
  let modelHash = "";
  if (local) {
    if (!existsSync(location) || !statSync(location).isDirectory()) {
      throw new MufflerError(`model folder ${location} does not exist.`, {
        code: EMBEDDINGS_ERROR_CODES.missingModelFile,
        file: location,
        hint: `Give a folder with ${SENTENCE_TRANSFORMER_FILES.join(", ")} (e.g. a Xenova/* ONNX export).`,
      });
    }
    for (const file of SENTENCE_TRANSFORMER_FILES) {
      if (!existsSync(join(location, file))) {
        throw new MufflerError(`the model folder lacks ${file}.`, {
          code: EMBEDDINGS_ERROR_CODES.missingModelFile,
          file: join(location, file),
          hint: `A sentence-transformers ONNX folder needs ${SENTENCE_TRANSFORMER_FILES.join(", ")}.`,
        });
      }
    }
    modelHash = (await sha256File(join(location, "onnx/model.onnx"))).slice(0, 16);
  }
  const transformers = await import("@huggingface/transformers");
  transformers.env.allowLocalModels = true;
  if (options.cacheDirectory !== undefined) transformers.env.cacheDir = options.cacheDirectory;
  const allowDownload = !local && options.allowDownload === true;
  transformers.env.allowRemoteModels = allowDownload;
  const loadOptions = { local_files_only: !allowDownload };
  let tokenizer: Tokenizer;
  let model: Model;
  try {
    tokenizer = await transformers.AutoTokenizer.from_pretrained(location, loadOptions);
    model = await transformers.AutoModel.from_pretrained(location, { ...loadOptions, dtype: "fp32", device: "cpu" });
  } catch (error) {
    throw new MufflerError(`could not load sentence-transformers model ${JSON.stringify(options.model)}: ${(error as Error).message}`, {
      code: EMBEDDINGS_ERROR_CODES.modelLoadFailed,
      field: "model",
      cause: error,
      hint: local ? "Check that the folder is an ONNX export (config.json, tokenizer files, onnx/model.onnx)." : "Download it first (allowDownload / --allow-download) or give a local folder.",
    });
  }
  const maxTokens = options.maxTokens ?? (await defaultMaxTokens(local ? location : undefined, tokenizer));
  const dimension = Number((model.config as unknown as Record<string, unknown>).hidden_size ?? (model.config as unknown as Record<string, unknown>).d_model ?? 0);
  const name = local ? `${basename(location)}@${modelHash}` : options.model;
  return new SentenceTransformerEmbedder({ id: `st:${name};pooling=mean;max-tokens=${maxTokens}`, dimension, tokenizer, model, maxTokens });
}

class SentenceTransformerEmbedder implements Embedder {
  readonly id: string;
  dimension: number;
  readonly #tokenizer: Tokenizer;
  readonly #model: Model;
  readonly #maxTokens: number;

  constructor(parts: { id: string; dimension: number; tokenizer: Tokenizer; model: Model; maxTokens: number }) {
    this.id = parts.id;
    this.dimension = parts.dimension;
    this.#tokenizer = parts.tokenizer;
    this.#model = parts.model;
    this.#maxTokens = parts.maxTokens;
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const prepared = prepareTexts(texts);
    const batchSize = resolveBatchSize(options.batchSize, DEFAULT_BATCH_SIZE);
    // Sort by length (characters: a cheap stand-in for tokens) so that batches carry little padding.
    // The fewest calls of at most batchSize texts, cut where they carry the least padding.
    const batches = lengthBatches(
      prepared.map((text) => Math.min(text.length, this.#maxTokens * 8)),
      { batchSize, tokenBudget: Number.POSITIVE_INFINITY, callOverhead: 1e9 },
    );
    const result: Float32Array[] = new Array<Float32Array>(prepared.length);
    let done = 0;
    options.onProgress?.({ stage: "embed", done, total: prepared.length, unit: "texts" });
    for (const batch of batches) {
      throwIfAborted(options.signal);
      const vectors = await this.#embedBatch(batch.map((index) => prepared[index]!));
      options.onBatch?.(batch);
      batch.forEach((index, row) => (result[index] = vectors[row]!));
      done += batch.length;
      options.onProgress?.({ stage: "embed", done, total: prepared.length, unit: "texts" });
    }
    return result;
  }

  async #embedBatch(texts: string[]): Promise<Float32Array[]> {
    const tokenizer = this.#tokenizer as unknown as (texts: string[], options: Record<string, unknown>) => Record<string, TensorLike>;
    const inputs = tokenizer(texts, { padding: true, truncation: true, max_length: this.#maxTokens });
    const inputIds = inputs.input_ids!;
    const attentionMask = inputs.attention_mask!;
    const [rows, length] = inputIds.dims as [number, number];
    // transformers.js truncates after adding special tokens (dropping the final separator); sentence-transformers
    // (Python tokenizers) keeps it: put it back on rows cut at the limit.
    const separator = (this.#tokenizer as unknown as { sep_token_id?: number }).sep_token_id;
    if (separator !== undefined && length === this.#maxTokens) {
      const ids = inputIds.data as unknown as BigInt64Array;
      for (let row = 0; row < rows; row++) {
        const last = row * length + length - 1;
        if (Number(attentionMask.data[last]) === 1 && Number(ids[last]) !== separator) ids[last] = BigInt(separator);
      }
    }
    const output = (await (this.#model as unknown as (inputs: unknown) => Promise<Record<string, TensorLike>>)(inputs)) as Record<string, TensorLike>;
    const hidden = output.last_hidden_state ?? output.token_embeddings ?? Object.values(output)[0];
    if (!hidden || hidden.dims.length !== 3 || hidden.dims[0] !== rows || hidden.dims[1] !== length) {
      throw new MufflerError(`the model returned ${hidden ? `shape [${hidden.dims.join(", ")}]` : "nothing"}; expected token embeddings [${rows}, ${length}, hidden].`, {
        code: EMBEDDINGS_ERROR_CODES.badModelOutput,
        kind: "internal",
      });
    }
    const dimension = hidden.dims[2]!;
    if (this.dimension === 0) this.dimension = dimension;
    const data = hidden.data as Float32Array;
    const vectors = meanPool(data, attentionMask.data, rows, length, dimension);
    for (const tensor of [hidden, inputIds, attentionMask]) tensor.dispose?.();
    return vectors;
  }

  async dispose(): Promise<void> {
    await (this.#model as unknown as { dispose(): Promise<unknown> }).dispose();
  }
}

/** Mean of the token vectors whose attention mask is 1, then L2-normalized (sentence-transformers' mean pooling). */
export function meanPool(hidden: Float32Array, mask: ArrayLike<number | bigint>, rows: number, length: number, dimension: number): Float32Array[] {
  const vectors: Float32Array[] = [];
  for (let row = 0; row < rows; row++) {
    const sum = new Float64Array(dimension);
    let count = 0;
    for (let position = 0; position < length; position++) {
      if (Number(mask[row * length + position]) === 0) continue;
      count++;
      const offset = (row * length + position) * dimension;
      for (let column = 0; column < dimension; column++) sum[column]! += hidden[offset + column]!;
    }
    const vector = new Float32Array(dimension);
    // sentence-transformers divides by max(count, 1e-9); the L2 normalization that follows makes the divisor moot.
    for (let column = 0; column < dimension; column++) vector[column] = sum[column]! / Math.max(count, 1e-9);
    vectors.push(l2NormalizeInPlace(vector));
  }
  return vectors;
}

function isLocalPath(model: string): boolean {
  return isAbsolute(model) || model.startsWith(".") || model.startsWith("~") || (existsSync(model) && !/^[\w-]+\/[\w.-]+$/.test(model));
}

async function defaultMaxTokens(directory: string | undefined, tokenizer: Tokenizer): Promise<number> {
  if (directory) {
    const configPath = join(directory, "sentence_bert_config.json");
    if (existsSync(configPath)) {
      const config = JSON.parse(await readFile(configPath, "utf8")) as { max_seq_length?: unknown };
      if (typeof config.max_seq_length === "number" && config.max_seq_length > 0) return Math.min(config.max_seq_length, 512);
    }
  }
  const fromTokenizer = (tokenizer as unknown as { model_max_length?: number }).model_max_length;
  return typeof fromTokenizer === "number" && Number.isFinite(fromTokenizer) && fromTokenizer > 0 ? Math.min(fromTokenizer, 512) : 512;
}
