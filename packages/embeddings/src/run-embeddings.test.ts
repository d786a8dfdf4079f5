import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLexicalEmbedder } from "./lexical-embedder.ts";
import { hashPrompts, readRunEmbeddings, runEmbeddingsPaths, writeRunEmbeddings } from "./run-embeddings.ts";

describe("run embeddings", () => {
  let run: string;
  beforeEach(async () => {
    run = await mkdtemp(join(tmpdir(), "muffler-run-"));
  });
  afterEach(async () => rm(run, { recursive: true, force: true }));

  it("round-trips one row per prompt with the embedder and the prompts' hash", async () => {
    const prompts = ["first prompt", "second prompt", "third"];
    const embedder = createLexicalEmbedder({ dimension: 16 });
    const vectors = await embedder.embed(prompts);
    await writeRunEmbeddings({ runDirectory: run, split: "test", embedderId: embedder.id, embedderName: "lexical", dimension: 16, vectors, prompts });
    const read = await readRunEmbeddings(run, "test");
    expect(read).toMatchObject({ embedderId: embedder.id, embedderName: "lexical", dimension: 16, rows: 3, promptsHash: hashPrompts(prompts) });
    expect(Array.from(read.data.subarray(16, 32))).toEqual(Array.from(vectors[1]!));
    expect(hashPrompts(["a", "b"])).not.toBe(hashPrompts(["b", "a"]));
  });

  it("reports missing and damaged embeddings with codes that name the file", async () => {
    await expect(readRunEmbeddings(run, "train")).rejects.toMatchObject({ code: "embeddings/missing-run-embeddings", message: expect.stringContaining("train.json") });
    const vectors = [Float32Array.of(1, 0), Float32Array.of(0, 1)];
    await writeRunEmbeddings({ runDirectory: run, split: "train", embedderId: "x", embedderName: "x", dimension: 2, vectors, prompts: ["a", "b"] });
    const paths = runEmbeddingsPaths(run, "train");
    const bytes = await readFile(paths.data);
    await writeFile(paths.data, bytes.subarray(0, bytes.length - 4));
    await expect(readRunEmbeddings(run, "train")).rejects.toMatchObject({ code: "embeddings/corrupt-run-embeddings", message: expect.stringContaining("train.f32") });
  });
});
