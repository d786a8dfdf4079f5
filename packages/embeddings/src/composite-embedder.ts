import { MufflerError } from "@muffler/core";
import type { EmbedOptions, Embedder } from "./embedder.ts";
import { EMBEDDINGS_ERROR_CODES } from "./errors.ts";

/** Options of {@link createCompositeEmbedder}. */
export interface CompositeEmbedderOptions {
  /** The embedders whose vectors are concatenated, in order (each may be cached on its own). */
  parts: readonly Embedder[];
}

/**
 * Concatenates the vectors of several embedders (`use-lite+lexical`), each block scaled by 1/sqrt(parts) so that the
 * row stays L2-normalized. Its id is the parts' ids joined by ` + `; its dimension their sum. `dispose` disposes the
 * parts.
 */
export function createCompositeEmbedder(options: CompositeEmbedderOptions): Embedder {
  const parts = [...options.parts];
  if (parts.length === 0) throw new MufflerError("a composite embedder needs at least one part.", { code: EMBEDDINGS_ERROR_CODES.badOption, field: "parts" });
  const dimension = parts.reduce((sum, part) => sum + part.dimension, 0);
  const scale = 1 / Math.sqrt(parts.length);
  return {
    id: parts.map((part) => part.id).join(" + "),
    dimension,
    concurrency: Math.min(...parts.map((part) => part.concurrency ?? 1)),
    async embed(texts: readonly string[], embedOptions: EmbedOptions = {}): Promise<Float32Array[]> {
      const blocks: Float32Array[][] = [];
      for (const part of parts) blocks.push(await part.embed(texts, embedOptions));
      return texts.map((_, row) => {
        const vector = new Float32Array(dimension);
        let offset = 0;
        parts.forEach((part, index) => {
          const block = blocks[index]![row]!;
          for (let d = 0; d < part.dimension; d++) vector[offset + d] = block[d]! * scale;
          offset += part.dimension;
        });
        return vector;
      });
    },
    async dispose(): Promise<void> {
      for (const part of parts) await part.dispose?.();
    },
  };
}
