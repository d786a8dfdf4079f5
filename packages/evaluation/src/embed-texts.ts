import type { OnProgress } from "@muffler/core";
import { createCompositeEmbedder, createEmbedder, embedderNameParts, EmbeddingCache, withEmbeddingCache, type CreateEmbedderOptions, type Embedder, type StoredEmbedderSpec } from "@muffler/embeddings";

/** Embeddings of a list of texts, row-major. */
export interface EmbeddedTexts {
  /** The embedder id (for a combination: the ids joined by ` + `). */
  embedderId: string;
  dimension: number;
  rows: number;
  /** rows x dimension, each row L2-normalized. */
  data: Float32Array;
}

/** Options of {@link embedTexts}. */
export interface EmbedTextsOptions {
  /**
   * An embedder name (`use-lite`, `lexical`, `st:<model>`), several joined by `+` (`use-lite+lexical`: concatenated,
   * see `createCompositeEmbedder`), or a stored spec `{ name, options }` (router.json's `embedder`).
   */
  embedder: string | StoredEmbedderSpec;
  texts: readonly string[];
  /**
   * A cache folder shared between runs (`EmbeddingCache`); every text is embedded once per embedder (per part of a
   * composite), ever.
   * @default undefined (no cache)
   */
  cacheDirectory?: string;
  /** Runtime options laid over the spec's (`createEmbedder`). @default {} */
  embedderOptions?: CreateEmbedderOptions;
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/** The embedder names of a `+`-joined combination. */
export function embedderParts(embedder: string): string[] {
  return embedderNameParts(embedder);
}

/** Embeds `texts` with one embedder or a concatenation of several, each part through the shared cache when given. */
export async function embedTexts(options: EmbedTextsOptions): Promise<EmbeddedTexts> {
  const spec = typeof options.embedder === "string" ? { name: options.embedder } : options.embedder;
  const parts: Embedder[] = [];
  const caches: EmbeddingCache[] = [];
  try {
    for (const name of embedderNameParts(spec.name)) {
      const embedder = await createEmbedder({ name, ...(spec.options !== undefined && { options: spec.options }) }, options.embedderOptions ?? {});
      if (options.cacheDirectory === undefined) {
        parts.push(embedder);
        continue;
      }
      const cache = await EmbeddingCache.open({ directory: options.cacheDirectory, embedderId: embedder.id, dimension: embedder.dimension });
      caches.push(cache);
      const cached = withEmbeddingCache({ embedder, cache });
      parts.push({ ...cached, dispose: () => embedder.dispose?.() ?? Promise.resolve() });
    }
    const embedder = parts.length === 1 ? parts[0]! : createCompositeEmbedder({ parts });
    const vectors = await embedder.embed(options.texts, {
      ...(options.signal !== undefined && { signal: options.signal }),
      ...(options.onProgress !== undefined && { onProgress: (event) => options.onProgress!({ ...event, stage: `embed ${spec.name}` }) }),
    });
    const data = new Float32Array(vectors.length * embedder.dimension);
    vectors.forEach((vector, row) => data.set(vector, row * embedder.dimension));
    return { embedderId: embedder.id, dimension: embedder.dimension, rows: vectors.length, data };
  } finally {
    for (const cache of caches) await cache.close();
    for (const part of parts) await part.dispose?.();
  }
}
