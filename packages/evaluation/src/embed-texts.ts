import type { OnProgress } from "@muffler/core";
import { createEmbedder, EmbeddingCache, withEmbeddingCache, type CreateEmbedderOptions, type Embedder } from "@muffler/embeddings";

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
   * An embedder name (`use-lite`, `lexical`, `st:<model>`), or several joined by `+` (`use-lite+lexical`): their
   * vectors are concatenated, each scaled by 1/sqrt(count) so that the row stays L2-normalized.
   */
  embedder: string;
  texts: readonly string[];
  /**
   * A cache folder shared between runs (`EmbeddingCache`); every text is embedded once per embedder, ever.
   * @default undefined (no cache)
   */
  cacheDirectory?: string;
  /** Passed to `createEmbedder`. @default {} */
  embedderOptions?: CreateEmbedderOptions;
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/** The embedder names of a `+`-joined combination. */
export function embedderParts(embedder: string): string[] {
  return embedder.split("+").map((part) => part.trim()).filter((part) => part.length > 0);
}

/** Embeds `texts` with one embedder or a concatenation of several, through the shared cache when given. */
export async function embedTexts(options: EmbedTextsOptions): Promise<EmbeddedTexts> {
  const parts = embedderParts(options.embedder);
  const blocks: { id: string; dimension: number; vectors: Float32Array[] }[] = [];
  for (const name of parts) {
    const embedder: Embedder = await createEmbedder(name, options.embedderOptions ?? {});
    const cache =
      options.cacheDirectory === undefined
        ? undefined
        : await EmbeddingCache.open({ directory: options.cacheDirectory, embedderId: embedder.id, dimension: embedder.dimension });
    try {
      const cached = cache === undefined ? embedder : withEmbeddingCache({ embedder, cache });
      const vectors = await cached.embed(options.texts, {
        ...(options.signal !== undefined && { signal: options.signal }),
        ...(options.onProgress !== undefined && { onProgress: (event) => options.onProgress!({ ...event, stage: `embed ${name}` }) }),
      });
      blocks.push({ id: embedder.id, dimension: embedder.dimension, vectors });
    } finally {
      await cache?.close();
      await embedder.dispose?.();
    }
  }
  const dimension = blocks.reduce((sum, block) => sum + block.dimension, 0);
  const rows = options.texts.length;
  const data = new Float32Array(rows * dimension);
  const scale = 1 / Math.sqrt(blocks.length);
  let offset = 0;
  for (const block of blocks) {
    for (let row = 0; row < rows; row++) {
      const vector = block.vectors[row]!;
      const base = row * dimension + offset;
      for (let d = 0; d < block.dimension; d++) data[base + d] = vector[d]! * scale;
    }
    offset += block.dimension;
  }
  return { embedderId: blocks.map((block) => block.id).join(" + "), dimension, rows, data };
}
