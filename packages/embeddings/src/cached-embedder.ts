import { MufflerError, sha256 } from "@muffler/core";
import { DEFAULT_BATCH_SIZE } from "./embedder.ts";
import type { EmbedOptions, Embedder } from "./embedder.ts";
import type { EmbeddingCache } from "./embedding-cache.ts";
import { EMBEDDINGS_ERROR_CODES } from "./errors.ts";
import { prepareTexts, resolveBatchSize, throwIfAborted } from "./internal/prepare-texts.ts";

/** Options of `withEmbeddingCache`. */
export interface CachedEmbedderOptions {
  /** The embedder that computes what the cache lacks. */
  embedder: Embedder;
  /** An open cache for this embedder's id and dimension. */
  cache: EmbeddingCache;
  /**
   * Texts embedded between two writes to the cache: a crash loses at most this much work.
   * @default 2048
   */
  flushEvery?: number;
}

/**
 * Wraps an embedder with a persistent cache: each distinct text (keyed by sha256 of its well-formed form) is
 * embedded once, ever, per embedder id; repeats within a call and texts cached by earlier runs are read back.
 * Returns an `Embedder` with the same `id` and `dimension`.
 */
export function withEmbeddingCache(options: CachedEmbedderOptions): Embedder {
  const { embedder, cache } = options;
  const flushEvery = options.flushEvery ?? 2048;
  if (cache.embedderId !== embedder.id || cache.dimension !== embedder.dimension) {
    throw new MufflerError(`the cache was opened for ${cache.embedderId} (${cache.dimension}-d) but the embedder is ${embedder.id} (${embedder.dimension}-d).`, {
      code: EMBEDDINGS_ERROR_CODES.badCache,
      kind: "internal",
    });
  }
  return {
    id: embedder.id,
    dimension: embedder.dimension,
    async embed(texts: readonly string[], embedOptions: EmbedOptions = {}): Promise<Float32Array[]> {
      const prepared = prepareTexts(texts);
      const batchSize = resolveBatchSize(embedOptions.batchSize, DEFAULT_BATCH_SIZE);
      const hashes = prepared.map((text) => sha256(text));
      const result: Float32Array[] = new Array<Float32Array>(prepared.length);
      const cached = await cache.getMany(hashes);
      const pending = new Map<string, number[]>();
      let done = 0;
      cached.forEach((vector, index) => {
        if (vector) {
          result[index] = vector;
          done++;
        } else {
          const rows = pending.get(hashes[index]!);
          if (rows) rows.push(index);
          else pending.set(hashes[index]!, [index]);
        }
      });
      const total = prepared.length;
      embedOptions.onProgress?.({ stage: "embed", done, total, unit: "texts", detail: { cached: done } });
      const missing = [...pending.entries()];
      for (let start = 0; start < missing.length; start += flushEvery) {
        throwIfAborted(embedOptions.signal);
        const chunk = missing.slice(start, start + flushEvery);
        const before = done;
        const vectors = await embedder.embed(
          chunk.map(([, rows]) => prepared[rows[0]!]!),
          {
            batchSize,
            signal: embedOptions.signal,
            onProgress: (event) => {
              // Count every row a unique text fills, so that done reaches total.
              const filled = chunk.slice(0, event.done).reduce((sum, [, rows]) => sum + rows.length, 0);
              embedOptions.onProgress?.({ ...event, done: before + filled, total });
            },
          },
        );
        await cache.putMany(chunk.map(([textHash], index) => ({ textHash, vector: vectors[index]! })));
        chunk.forEach(([, rows], index) => {
          for (const row of rows) result[row] = rows[0] === row ? vectors[index]! : vectors[index]!.slice();
          done += rows.length;
        });
      }
      embedOptions.onProgress?.({ stage: "embed", done, total, unit: "texts" });
      return result;
    },
    dispose: embedder.dispose?.bind(embedder),
  };
}
