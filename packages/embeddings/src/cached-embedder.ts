import { MufflerError, sha256 } from "@muffler/core";
import { DEFAULT_BATCH_SIZE } from "./embedder.ts";
import type { EmbedOptions, Embedder } from "./embedder.ts";
import type { CacheBatch, EmbeddingCache } from "./embedding-cache.ts";
import { EMBEDDINGS_ERROR_CODES } from "./errors.ts";
import { prepareTexts, resolveBatchSize, throwIfAborted } from "./internal/prepare-texts.ts";

/** Options of `withEmbeddingCache`. */
export interface CachedEmbedderOptions {
  /** The embedder that computes what the cache lacks. */
  embedder: Embedder;
  /** An open cache for this embedder's id and dimension. */
  cache: EmbeddingCache;
  /**
   * Texts embedded between two writes to the cache: a crash loses at most this much work, and concurrent writers
   * take turns at this grain.
   * @default 2048
   */
  flushEvery?: number;
}

/**
 * Wraps an embedder with a persistent cache: each distinct text (keyed by sha256 of its well-formed form) is
 * embedded once, ever, per embedder id; repeats within a call and texts cached by earlier runs are read back.
 * Returns an `Embedder` with the same `id` and `dimension`.
 *
 * - Concurrent writers (two `muffler embed` of the same prompts) do not duplicate work: each chunk is looked up,
 *   computed and stored while holding the cache's lock, after reading what the other appended meanwhile.
 * - Exact vectors after damage: use-lite and st vectors depend on the batch in their last bits (padding, matrix
 *   shapes), so a lost record (bad checksum, truncated) recomputed alone would differ slightly. The cache records each
 *   model call's members (`onBatch`), and a lost record is recomputed in its ORIGINAL BATCH COMPOSITION (same texts,
 *   same order, same batch size) when the call holds every member, giving the same bits. Otherwise (a member absent
 *   from this call) it is recomputed with the new texts, within float32 rounding of the old vector (cosine > 0.99999).
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
    ...(embedder.concurrency !== undefined && { concurrency: embedder.concurrency }),
    async embed(texts: readonly string[], embedOptions: EmbedOptions = {}): Promise<Float32Array[]> {
      const prepared = prepareTexts(texts);
      const batchSize = resolveBatchSize(embedOptions.batchSize, DEFAULT_BATCH_SIZE);
      const hashes = prepared.map((text) => sha256(text));
      const result: Float32Array[] = new Array<Float32Array>(prepared.length);
      const rowsOf = new Map<string, number[]>();
      hashes.forEach((hash, row) => {
        const rows = rowsOf.get(hash);
        if (rows) rows.push(row);
        else rowsOf.set(hash, [row]);
      });
      const textOf = (hash: string): string => prepared[rowsOf.get(hash)![0]!]!;
      const total = prepared.length;
      let done = 0;
      const filled = new Set<string>();
      const fill = (hash: string, vector: Float32Array) => {
        if (filled.has(hash)) return;
        const rows = rowsOf.get(hash)!;
        rows.forEach((row, index) => (result[row] = index === 0 ? vector : vector.slice()));
        filled.add(hash);
        done += rows.length;
      };
      const readCached = async (wanted: readonly string[]) => {
        const vectors = await cache.getMany(wanted);
        wanted.forEach((hash, index) => vectors[index] && fill(hash, vectors[index]));
      };

      const unique = [...rowsOf.keys()];
      await readCached(unique);
      embedOptions.onProgress?.({ stage: "embed", done, total, unit: "texts", detail: { cached: done } });
      let missing = unique.filter((hash) => !filled.has(hash));

      // Records lost to damage: recompute each in its original batch, for the same bits.
      if (missing.length > 0 && cache.stats.rejectedRecords > 0) {
        const batches = await cache.batchesOf(new Set(missing));
        const seen = new Set<CacheBatch>();
        for (const hash of missing) {
          const batch = batches.get(hash);
          if (!batch || seen.has(batch) || !batch.members.every((member) => rowsOf.has(member))) continue;
          seen.add(batch);
          throwIfAborted(embedOptions.signal);
          await cache.withLock(async () => {
            const vectors = await embedder.embed(batch.members.map(textOf), { batchSize: batch.batchSize, signal: embedOptions.signal });
            const lost = batch.members.map((member, index) => ({ textHash: member, vector: vectors[index]! })).filter(({ textHash }) => !filled.has(textHash) && !cache.has(textHash));
            await cache.putMany(lost);
            for (const { textHash, vector } of lost) fill(textHash, vector);
          });
        }
        missing = missing.filter((hash) => !filled.has(hash));
      }

      for (let start = 0; start < missing.length; start += flushEvery) {
        throwIfAborted(embedOptions.signal);
        const chunk = missing.slice(start, start + flushEvery);
        await cache.withLock(async () => {
          // Another process may have stored some of these while we waited for the lock.
          await cache.refresh();
          await readCached(chunk.filter((hash) => !filled.has(hash) && cache.has(hash)));
          const todo = chunk.filter((hash) => !filled.has(hash));
          if (todo.length === 0) return;
          const before = done;
          const batches: CacheBatch[] = [];
          const vectors = await embedder.embed(
            todo.map(textOf),
            {
              batchSize,
              signal: embedOptions.signal,
              onProgress: (event) => {
                // Count every row a unique text fills, so that done reaches total.
                const rows = todo.slice(0, event.done).reduce((sum, hash) => sum + rowsOf.get(hash)!.length, 0);
                embedOptions.onProgress?.({ ...event, done: before + rows, total });
              },
              onBatch: (indices) => batches.push({ batchSize, members: indices.map((index) => todo[index]!) }),
            },
          );
          await cache.putMany(todo.map((textHash, index) => ({ textHash, vector: vectors[index]! })), { batches });
          todo.forEach((hash, index) => fill(hash, vectors[index]!));
        });
        embedOptions.onProgress?.({ stage: "embed", done, total, unit: "texts" });
      }
      embedOptions.onProgress?.({ stage: "embed", done, total, unit: "texts" });
      return result;
    },
    dispose: embedder.dispose?.bind(embedder),
  };
}
