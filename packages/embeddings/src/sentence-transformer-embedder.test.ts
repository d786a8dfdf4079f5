import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TINY_HIDDEN, TINY_VOCABULARY, writeTinyBert } from "./__fixtures__/tiny-bert.ts";
import type { TinyBert } from "./__fixtures__/tiny-bert.ts";
import { createEmbedder } from "./create-embedder.ts";
import type { Embedder } from "./embedder.ts";
import { cosine } from "./internal/l2-normalize.ts";

/** Sentence-transformers' result computed by hand: WordPiece by dictionary, mean of E + T[0] rows, L2-normalized. */
function expectedVector(tiny: TinyBert, pieces: string[]): number[] {
  const ids = ["[CLS]", ...pieces, "[SEP]"].map((piece) => TINY_VOCABULARY.indexOf(piece));
  expect(ids).not.toContain(-1);
  const mean = new Array<number>(TINY_HIDDEN).fill(0);
  for (const id of ids) {
    for (let column = 0; column < TINY_HIDDEN; column++) mean[column]! += (tiny.tokenEmbeddings[id * TINY_HIDDEN + column]! + tiny.typeEmbeddings[column]!) / ids.length;
  }
  const norm = Math.hypot(...mean);
  return mean.map((value) => value / norm);
}

describe("st:<local folder>", () => {
  let directory: string;
  let tiny: TinyBert;
  let embedder: Embedder;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "muffler-st-"));
    tiny = await writeTinyBert(join(directory, "tiny-bert"));
    embedder = await createEmbedder(`st:${tiny.directory}`);
  });
  afterAll(async () => {
    await embedder?.dispose?.();
    await rm(directory, { recursive: true, force: true });
  });

  it("mean-pools over the attention mask and L2-normalizes, as sentence-transformers does", async () => {
    const texts = ["What is the capital of France?", "Paris.", "Routers route a strong model", "the unknownword"];
    const vectors = await embedder.embed(texts, { batchSize: 4 });
    const expected = [
      expectedVector(tiny, ["what", "is", "the", "capital", "of", "france", "?"]),
      expectedVector(tiny, ["paris", "."]),
      expectedVector(tiny, ["route", "##r", "##s", "route", "a", "strong", "model"]),
      expectedVector(tiny, ["the", "[UNK]"]),
    ];
    expect(embedder.dimension).toBe(TINY_HIDDEN);
    expect(embedder.id).toMatch(/^st:tiny-bert@[0-9a-f]{16};pooling=mean;max-tokens=16$/);
    for (const [index, vector] of vectors.entries()) {
      expect(cosine(vector, expected[index]!), texts[index]).toBeGreaterThan(0.99999);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    }
  });

  it("truncates to the tokenizer's model_max_length, keeping the final [SEP]", async () => {
    const words = Array.from({ length: 20 }, (_, index) => (index % 2 === 0 ? "strong" : "weak"));
    const [vector] = await embedder.embed([words.join(" "), "a"]);
    expect(cosine(vector!, expectedVector(tiny, words.slice(0, tiny.maxTokens - 2)))).toBeGreaterThan(0.99999);
  });

  it("names the missing file of an incomplete local folder", async () => {
    const incomplete = join(directory, "incomplete");
    await writeTinyBert(incomplete);
    await rm(join(incomplete, "tokenizer.json"));
    await expect(createEmbedder(`st:${incomplete}`)).rejects.toMatchObject({
      code: "embeddings/missing-model-file",
      message: expect.stringContaining("tokenizer.json"),
    });
    await expect(createEmbedder(`st:${join(directory, "nowhere")}`)).rejects.toMatchObject({ code: "embeddings/missing-model-file" });
  });

  it("does not download a Hugging Face id that is not cached unless asked", async () => {
    await expect(
      createEmbedder("st:muffler-test/not-a-cached-model", { sentenceTransformer: { cacheDirectory: join(directory, "hf-cache") } }),
    ).rejects.toMatchObject({ code: "embeddings/model-load-failed" });
  });
});
