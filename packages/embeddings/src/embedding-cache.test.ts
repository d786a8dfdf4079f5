import { CORE_ERROR_CODES, sha256 } from "@muffler/core";
import { asUnprivilegedUser, mountSmallDisk } from "@muffler/core/testing";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { withEmbeddingCache } from "./cached-embedder.ts";
import type { EmbedOptions, Embedder } from "./embedder.ts";
import { EmbeddingCache } from "./embedding-cache.ts";
import { createLexicalEmbedder } from "./lexical-embedder.ts";

// Issue 17: the cache only grew (a segment per process, every handle kept open, no compaction), concurrent embeds
// each computed everything, and a damaged record came back with other last bits.

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "muffler-cache-17-"));
});
afterEach(async () => rm(directory, { recursive: true, force: true }));

const texts = (n: number, prefix = "text") => Array.from({ length: n }, (_, index) => `${prefix} ${index} ${"word ".repeat(index % 5)}`);

/** A lexical embedder that counts the texts it computes and can be slowed down (to overlap two writers). */
function countingEmbedder(options: { dimension?: number; delayMs?: number } = {}): Embedder & { calls: string[] } {
  const inner = createLexicalEmbedder({ dimension: options.dimension ?? 32 });
  const calls: string[] = [];
  return {
    id: inner.id,
    dimension: inner.dimension,
    calls,
    async embed(batch: readonly string[], embedOptions?: EmbedOptions) {
      calls.push(...batch);
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      return inner.embed(batch, embedOptions);
    },
  };
}

/**
 * Like use-lite: vectors depend on the batch in their last bits. Each text's vector is its lexical vector plus a
 * perturbation of 1e-6 from a hash of the whole batch, in batches of `batchSize` in input order (reported by onBatch).
 */
function batchDependentEmbedder(): Embedder {
  const inner = createLexicalEmbedder({ dimension: 16 });
  return {
    id: "batch-dependent@1",
    dimension: 16,
    async embed(input: readonly string[], options: EmbedOptions = {}) {
      const size = options.batchSize ?? 64;
      const result: Float32Array[] = [];
      for (let start = 0; start < input.length; start += size) {
        const batch = input.slice(start, start + size);
        const base = await inner.embed(batch);
        const wobble = (parseInt(sha256(batch.join("\u0000")).slice(0, 6), 16) / 0xffffff) * 1e-6;
        for (const vector of base) result.push(vector.map((value) => value + wobble));
        options.onBatch?.(batch.map((_, offset) => start + offset));
      }
      return result;
    },
  };
}

async function openFiles(folder: string): Promise<number> {
  let count = 0;
  for (const fd of await readdir("/proc/self/fd")) {
    const target = await readlink(join("/proc/self/fd", fd)).catch(() => "");
    if (target.startsWith(folder)) count++;
  }
  return count;
}

async function embedOnce(embedder: Embedder, input: string[], options: { maxSegments?: number; batchSize?: number } = {}) {
  const cache = await EmbeddingCache.open({ directory, embedderId: embedder.id, dimension: embedder.dimension, ...(options.maxSegments !== undefined && { maxSegments: options.maxSegments }) });
  try {
    const vectors = await withEmbeddingCache({ embedder, cache, flushEvery: 8 }).embed(input, options.batchSize === undefined ? {} : { batchSize: options.batchSize });
    return { vectors, stats: cache.stats, folder: cache.directory };
  } finally {
    await cache.close();
  }
}

describe("compaction", () => {
  it("merges the segments of finished processes into one, keeping every vector bit for bit", async () => {
    const embedder = countingEmbedder();
    const all = texts(40);
    const first = new Map<string, Float32Array>();
    // Ten "processes" (one open/close each) with overlapping texts: ten segments, some texts stored twice.
    for (let run = 0; run < 10; run++) {
      const part = all.slice(run * 3, run * 3 + 10);
      const { vectors } = await embedOnce(embedder, part, { maxSegments: 100 });
      part.forEach((text, index) => first.has(text) || first.set(text, vectors[index]!));
    }
    const cache = await EmbeddingCache.open({ directory, embedderId: embedder.id, dimension: 32, maxSegments: 100 });
    expect(cache.stats.segments).toBe(10);
    const result = await cache.compact();
    expect(result).toMatchObject({ segmentsBefore: 10, segmentsAfter: 1, records: first.size });
    expect(result.bytesAfter).toBeLessThan(result.bytesBefore);
    const stored = await cache.getMany([...first.keys()].map((text) => sha256(text)));
    [...first.values()].forEach((vector, index) => expect(Array.from(stored[index]!)).toEqual(Array.from(vector)));
    await cache.close();
    expect((await readdir(join(directory, (await readdir(directory))[0]!))).filter((name) => name.endsWith(".bin"))).toHaveLength(1);
  });

  it("compacts by itself when open finds more segments than maxSegments", async () => {
    const embedder = countingEmbedder();
    for (let run = 0; run < 6; run++) await embedOnce(embedder, texts(3, `run ${run}`), { maxSegments: 4 });
    const { stats } = await embedOnce(embedder, texts(3, "run 0"), { maxSegments: 4 });
    expect(stats.segments).toBeLessThanOrEqual(4);
    expect(stats.entries).toBe(18);
  });
});

describe("a read-only cache", () => {
  it("with more segments than maxSegments still opens and serves every vector (compaction is skipped)", async () => {
    const embedder = countingEmbedder();
    for (let run = 0; run < 4; run++) await embedOnce(embedder, texts(2, `ro${run}`), { maxSegments: 100 });
    const folder = EmbeddingCache.folderFor(directory, embedder.id);
    await chmod(directory, 0o755);
    await chmod(folder, 0o555);
    try {
      embedder.calls.length = 0;
      const { vectors, stats } = await asUnprivilegedUser(() => embedOnce(embedder, texts(2, "ro3"), { maxSegments: 2 }));
      expect(vectors).toHaveLength(2);
      expect(stats).toMatchObject({ segments: 4, hits: 2 });
      expect(embedder.calls).toEqual([]);
    } finally {
      await chmod(folder, 0o755);
    }
  });
});

describe("open files", () => {
  it("keeps at most two files of the cache open however many segments it has (every segment stayed open)", async (context) => {
    if (!existsSync("/proc/self/fd")) return context.skip();
    const embedder = countingEmbedder();
    for (let run = 0; run < 12; run++) await embedOnce(embedder, texts(2, `p${run}`), { maxSegments: 100 });
    const cache = await EmbeddingCache.open({ directory, embedderId: embedder.id, dimension: 32, maxSegments: 100 });
    try {
      expect(cache.stats.segments).toBe(12);
      expect(await openFiles(cache.directory)).toBeLessThanOrEqual(1);
      const vectors = await cache.getMany(Array.from({ length: 12 }, (_, run) => sha256(texts(2, `p${run}`)[1]!)));
      expect(vectors.every((vector) => vector !== undefined)).toBe(true);
      await cache.putMany([{ textHash: sha256("new"), vector: new Float32Array(32).fill(0.1) }]);
      expect(await openFiles(cache.directory)).toBeLessThanOrEqual(2);
    } finally {
      await cache.close();
    }
  });
});

describe("concurrent writers", () => {
  it("two embeds of the same texts at once compute each text once (each computed everything)", async () => {
    const embedder = countingEmbedder({ delayMs: 20 });
    const input = texts(64);
    const [a, b] = await Promise.all([embedOnce(embedder, input), embedOnce(embedder, [...input].reverse())]);
    expect(embedder.calls.length).toBe(input.length);
    expect(new Set(embedder.calls).size).toBe(input.length);
    input.forEach((_, index) => expect(Array.from(b.vectors[input.length - 1 - index]!)).toEqual(Array.from(a.vectors[index]!)));
  });

  it("takes over the lock of a process that was killed", async () => {
    const embedder = countingEmbedder();
    const child = spawn(process.execPath, ["-e", ""]);
    await new Promise((resolve) => child.on("exit", resolve));
    const folder = EmbeddingCache.folderFor(directory, embedder.id);
    await embedOnce(embedder, ["warm up"]);
    await writeFile(join(folder, "lock"), `${child.pid} deadbeefdeadbeef\n`);
    const { vectors } = await embedOnce(embedder, ["after a kill -9"]);
    expect(vectors).toHaveLength(1);
    expect(existsSync(join(folder, "lock"))).toBe(false);
  });
});

describe("exact vectors after damage", () => {
  it("recomputes a damaged record in its original batch: the same bits (it differed in the last bits)", async () => {
    const embedder = batchDependentEmbedder();
    const input = texts(12);
    const first = await embedOnce(embedder, input, { batchSize: 4 });
    const [segment] = (await readdir(first.folder)).filter((name) => name.endsWith(".bin"));
    const bytes = await readFile(join(first.folder, segment!));
    bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0xff; // inside the vector of the last record
    await writeFile(join(first.folder, segment!), bytes);
    const second = await embedOnce(embedder, input, { batchSize: 4 });
    expect(second.stats.rejectedRecords).toBe(1);
    expect(second.stats.written).toBe(1);
    input.forEach((_, index) => expect(Array.from(second.vectors[index]!)).toEqual(Array.from(first.vectors[index]!)));
  });
});

describe("a full disk (a small tmpfs; needs root)", () => {
  it("embedding into a cache on a full disk fails with core/disk-full and leaves no partial record", async (context) => {
    const disk = await mountSmallDisk({ sizeBytes: 128 * 1024 });
    if (!disk) return context.skip();
    try {
      const embedder = countingEmbedder({ dimension: 512 });
      const cache = await EmbeddingCache.open({ directory: disk.path, embedderId: embedder.id, dimension: 512 });
      const error = await withEmbeddingCache({ embedder, cache, flushEvery: 10 })
        .embed(texts(400))
        .catch((thrown: unknown) => thrown);
      expect(error).toMatchObject({ code: CORE_ERROR_CODES.diskFull, kind: "input" });
      const written = cache.stats.written;
      await cache.close();
      const reopened = await EmbeddingCache.open({ directory: disk.path, embedderId: embedder.id, dimension: 512 });
      expect(reopened.stats).toMatchObject({ entries: written, rejectedRecords: 0 });
      await reopened.close();
      // The files hold whole records only: the header plus written x record bytes.
      const record = 32 + 512 * 4 + 8;
      let bytes = 0;
      for (const name of await readdir(cache.directory)) if (name.endsWith(".bin")) bytes += (await stat(join(cache.directory, name))).size;
      expect(bytes % record).toBe(bytes - written * record);
    } finally {
      await disk.unmount();
    }
  });
});
