import { copyFile, mkdtemp, readdir, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { withEmbeddingCache } from "./cached-embedder.ts";
import type { EmbedOptions, Embedder } from "./embedder.ts";
import { EmbeddingCache } from "./embedding-cache.ts";
import { createLexicalEmbedder } from "./lexical-embedder.ts";

/** A lexical embedder that records every text it is asked to embed. */
function countingEmbedder(dimension = 32): Embedder & { calls: string[] } {
  const inner = createLexicalEmbedder({ dimension });
  const calls: string[] = [];
  return {
    id: inner.id,
    dimension,
    calls,
    embed(texts: readonly string[], options?: EmbedOptions) {
      calls.push(...texts);
      return inner.embed(texts, options);
    },
  };
}

async function segments(cache: EmbeddingCache): Promise<string[]> {
  return (await readdir(cache.directory)).filter((name) => name.endsWith(".bin")).map((name) => join(cache.directory, name));
}

describe("withEmbeddingCache", () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), "muffler-cache-"));
  });
  afterEach(async () => rm(directory, { recursive: true, force: true }));

  async function run(embedder: Embedder & { calls: string[] }, texts: string[]) {
    const cache = await EmbeddingCache.open({ directory, embedderId: embedder.id, dimension: embedder.dimension });
    embedder.calls.length = 0;
    const vectors = await withEmbeddingCache({ embedder, cache, flushEvery: 2 }).embed(texts);
    const stats = cache.stats;
    await cache.close();
    return { vectors, stats, calls: [...embedder.calls] };
  }

  it("embeds each distinct text once, ever: repeats and re-runs read the cache", async () => {
    const embedder = countingEmbedder();
    const direct = await createLexicalEmbedder({ dimension: 32 }).embed(["a b", "c d", "e f", "g h"]);
    const first = await run(embedder, ["a b", "c d", "a b", "e f"]);
    expect(first.calls.sort()).toEqual(["a b", "c d", "e f"]);
    expect(Array.from(first.vectors[2]!)).toEqual(Array.from(direct[0]!));
    const second = await run(embedder, ["e f", "a b", "g h", "c d"]);
    expect(second.calls).toEqual(["g h"]);
    expect(second.stats.hits).toBe(3);
    second.vectors.forEach((vector, index) => expect(Array.from(vector)).toEqual(Array.from(direct[[2, 0, 3, 1][index]!]!)));
    const third = await run(embedder, ["g h", "a b"]);
    expect(third.calls).toEqual([]);
  });

  it("detects a corrupted record, ignores it and embeds the text again", async () => {
    const embedder = countingEmbedder();
    const { vectors } = await run(embedder, ["one", "two"]);
    const cache = await EmbeddingCache.open({ directory, embedderId: embedder.id, dimension: 32 });
    const [segment] = await segments(cache);
    await cache.close();
    const bytes = await readFile(segment!);
    bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0xff; // inside the vector of the last record
    await writeFile(segment!, bytes);
    const again = await run(embedder, ["one", "two"]);
    expect(again.stats.rejectedRecords).toBe(1);
    expect(again.calls).toHaveLength(1);
    again.vectors.forEach((vector, index) => expect(Array.from(vector)).toEqual(Array.from(vectors[index]!)));
  });

  it("detects a truncated segment (a crash while appending) and embeds the lost text again", async () => {
    const embedder = countingEmbedder();
    await run(embedder, ["one", "two", "three"]);
    const cache = await EmbeddingCache.open({ directory, embedderId: embedder.id, dimension: 32 });
    const [segment] = await segments(cache);
    await cache.close();
    const bytes = await readFile(segment!);
    await truncate(segment!, bytes.length - 5);
    const again = await run(embedder, ["one", "two", "three"]);
    expect(again.stats.rejectedRecords).toBe(1);
    expect(again.calls).toHaveLength(1);
  });

  it("never uses vectors written by another embedder id or dimension", async () => {
    const embedder = countingEmbedder(32);
    await run(embedder, ["one", "two"]);
    const source = await EmbeddingCache.open({ directory, embedderId: embedder.id, dimension: 32 });
    const [segment] = await segments(source);
    await source.close();
    // The same folder opened for another dimension, and the segment copied into another embedder's folder.
    const otherDimension = await EmbeddingCache.open({ directory, embedderId: embedder.id, dimension: 16 });
    const otherId = await EmbeddingCache.open({ directory, embedderId: "lexical@1;other", dimension: 32 });
    await copyFile(segment!, join(otherId.directory, "segment-copied.bin"));
    await otherId.close();
    const reopened = await EmbeddingCache.open({ directory, embedderId: "lexical@1;other", dimension: 32 });
    expect(reopened.stats).toMatchObject({ entries: 0, rejectedFiles: 1 });
    await reopened.close();
    expect(otherDimension.stats.entries).toBe(0);
    await otherDimension.close();
    const wrongDimension = await EmbeddingCache.open({ directory, embedderId: embedder.id, dimension: 16 });
    expect(() => withEmbeddingCache({ embedder, cache: wrongDimension })).toThrow(expect.objectContaining({ code: "embeddings/bad-cache" }));
    await wrongDimension.close();
  });
});
