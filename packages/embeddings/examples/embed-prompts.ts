/**
 * Embeds three prompts with USE-lite and lexical, through a cache, and prints their cosine similarities.
 * Run: node --conditions=@muffler/source --import tsx examples/embed-prompts.ts
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cosine, createEmbedder, EmbeddingCache, withEmbeddingCache } from "@muffler/embeddings";

const prompts = ["What is the capital of France?", "Which city is France's capital?", "Prove that the square root of 2 is irrational."];
const cacheDirectory = await mkdtemp(join(tmpdir(), "muffler-example-cache-"));
try {
  for (const name of ["use-lite", "lexical"]) {
    const embedder = await createEmbedder(name);
    const cache = await EmbeddingCache.open({ directory: cacheDirectory, embedderId: embedder.id, dimension: embedder.dimension });
    const cached = withEmbeddingCache({ embedder, cache });
    const [france, paraphrase, proof] = await cached.embed(prompts);
    await cached.embed(prompts); // read back from the cache: nothing is embedded twice
    console.log(`${embedder.id} (${embedder.dimension}-d): ${cache.stats.written} embedded, ${cache.stats.hits} read from the cache`);
    console.log(`  paraphrase ${cosine(france!, paraphrase!).toFixed(3)}   unrelated ${cosine(france!, proof!).toFixed(3)}`);
    await cache.close();
    await embedder.dispose?.();
  }
} finally {
  await rm(cacheDirectory, { recursive: true, force: true });
}
