import type { OnProgress } from "@muffler/core";

/** Options of one `Embedder.embed` call. */
export interface EmbedOptions {
  /**
   * The most texts per model call. Embedders that sort by length (use-lite, st) may make smaller batches of long
   * texts so that a batch stays within a token budget.
   * @default 64
   */
  batchSize?: number;
  /** Cancels the work between batches; the promise then rejects with `embeddings/aborted`. */
  signal?: AbortSignal;
  /** Called after each batch with `{ stage: "embed", done, total, unit: "texts" }`. */
  onProgress?: OnProgress;
  /**
   * Called after each model call with the indices (into `texts`) of the texts it embedded, in the order the model
   * saw them. Embedders whose vectors depend on the batch (use-lite, st: padding and matrix shapes change the last
   * bits) report their batches, so that the cache can recompute a lost vector in its original batch and get the same
   * bits; embedders that embed each text on its own (lexical) need not.
   */
  onBatch?: (indices: readonly number[]) => void;
}

/**
 * Turns texts into L2-normalized vectors. `id` names the model, its version and every option that changes the
 * vectors, so two embedders with the same `id` give the same vectors (it keys the cache and the router manifest).
 */
export interface Embedder {
  /** Model, version and vector-changing options, e.g. `use-lite@1;max-tokens=1024`. */
  readonly id: string;
  /** The length of every vector. */
  readonly dimension: number;
  /**
   * Model calls the embedder runs at once (use-lite's onnxruntime workers). A caller that gathers requests into
   * batches (the router's micro-batcher) keeps this many batches in flight. @default 1
   */
  readonly concurrency?: number;
  /**
   * Embeds `texts` in order: one L2-normalized row of `dimension` floats per text.
   * Throws `embeddings/not-a-string` or `embeddings/empty-text` (naming the index) before any work is done.
   */
  embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]>;
  /** Frees model memory (tensors, inference sessions). The embedder must not be used afterwards. */
  dispose?(): Promise<void>;
}

/** The default batch size of `embed`. */
export const DEFAULT_BATCH_SIZE = 64;
