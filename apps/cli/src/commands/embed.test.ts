import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readPreparedBattles } from "@muffler/data";
import { createLexicalEmbedder, readRunEmbeddings } from "@muffler/embeddings";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeEmbeddingsServer } from "../test-support/fake-embeddings-server.ts";
import { runCliInProcess as cli } from "../test-support/run-cli-in-process.ts";


describe("muffler embed", () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), "muffler-embed-"));
  });
  afterEach(async () => rm(folder, { recursive: true, force: true }));

  it("embeds a prepared run's splits once: a second run reads every prompt from the cache", async () => {
    const rows = ["model_a,model_b,prompt,winner_model_a,winner_model_b,winner_tie"];
    for (let index = 0; index < 40; index++) rows.push(`gpt-4,mixtral,"Question ${index}: what is ${index} times ${index + 3}?",${index % 3 === 0 ? 1 : 0},${index % 3 === 0 ? 0 : 1},0`);
    await writeFile(join(folder, "battles.csv"), `${rows.join("\n")}\n`);
    const run = join(folder, "run");
    expect((await cli("prepare", "--input", join(folder, "battles.csv"), "--run", run, "--strong", "gpt-4", "--weak", "mixtral", "--json")).code).toBe(0);

    const first = await cli("embed", "--run", run, "--embedder", "lexical", "--json");
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout) as { embedderId: string; parts: { part: string; rows: number; embedded: number; cached: number }[] };
    expect(result.parts.map((part) => part.part)).toEqual(["train", "test"]);
    expect(result.parts.reduce((sum, part) => sum + part.embedded, 0)).toBe(40);

    const second = JSON.parse((await cli("embed", "--run", run, "--embedder", "lexical", "--json")).stdout) as typeof result;
    expect(second.parts.map((part) => part.embedded)).toEqual([0, 0]);
    expect(second.parts.reduce((sum, part) => sum + part.cached, 0)).toBe(40);

    const train = await readPreparedBattles(run, "train");
    const embeddings = await readRunEmbeddings(run, "train");
    expect(embeddings).toMatchObject({ embedderId: result.embedderId, dimension: 512, rows: train.prompts.length });
    const [expected] = await createLexicalEmbedder().embed([train.prompts[5]!]);
    expect(Array.from(embeddings.data.subarray(5 * 512, 6 * 512))).toEqual(Array.from(expected!));
  });

  it("embeds a benchmark's prompts into a shared cache, once", async () => {
    const mmlu = join(folder, "mmlu");
    await mkdir(mmlu);
    await writeFile(join(mmlu, "mmlu_tiny.csv"), 'prompt,gpt-4-1106-preview,mixtral\n"What is 2+2?\nA. 3\nB. 4",True,False\n"Name a prime.\nA. 4\nB. 5",True,True\n');
    const cache = join(folder, "shared-cache");
    const first = JSON.parse((await cli("embed", "--benchmark", mmlu, "--cache", cache, "--embedder", "lexical", "--json")).stdout) as { parts: { part: string; rows: number; embedded: number; file?: string }[] };
    expect(first.parts).toEqual([expect.objectContaining({ part: "benchmark:mmlu", rows: 2, embedded: 2 })]);
    expect(first.parts[0]!.file).toBeUndefined();
    const second = JSON.parse((await cli("embed", "--benchmark", mmlu, "--cache", cache, "--embedder", "lexical", "--json")).stdout) as typeof first;
    expect(second.parts[0]).toMatchObject({ embedded: 0, cached: 2 });
  });

  it("embeds with openai:<model> against an OpenAI-compatible endpoint (--base-url, --dimensions), once", async () => {
    const mmlu = join(folder, "mmlu");
    await mkdir(mmlu);
    await writeFile(join(mmlu, "mmlu_tiny.csv"), 'prompt,gpt-4-1106-preview,mixtral\n"What is 2+2?\nA. 3\nB. 4",True,False\n"Name a prime.\nA. 4\nB. 5",True,True\n');
    const server = await startFakeEmbeddingsServer((text) => [text.length, 1, 0, 0, 0, 0]);
    try {
      const flags = ["embed", "--benchmark", mmlu, "--cache", join(folder, "cache"), "--embedder", "openai:my-embedder", "--base-url", server.baseUrl, "--dimensions", "6", "--json"];
      const first = await cli(...flags);
      expect(first.code).toBe(0);
      expect(JSON.parse(first.stdout)).toMatchObject({ embedderId: "openai:my-embedder;dimensions=6;max-characters=24000", dimension: 6, parts: [{ rows: 2, embedded: 2 }] });
      expect(server.inputs).toEqual([["What is 2+2?\nA. 3\nB. 4", "Name a prime.\nA. 4\nB. 5"]]);
      expect(JSON.parse((await cli(...flags)).stdout)).toMatchObject({ parts: [{ embedded: 0, cached: 2 }] });
      expect(server.inputs).toHaveLength(1);
      const bad = await cli("embed", "--benchmark", mmlu, "--cache", join(folder, "cache"), "--embedder", "openai:x", "--dimensions", "-3", "--json");
      expect(JSON.parse(bad.stdout)).toMatchObject({ error: { code: "embeddings/bad-option", location: { field: "--dimensions" } } });
    } finally {
      await server.close();
    }
  });

  it("exits 1 with embeddings/unknown-embedder for an unknown name, and asks for --run or --benchmark", async () => {
    const run = join(folder, "run");
    const unknown = await cli("embed", "--benchmark", join(folder, "nothing"), "--cache", join(folder, "cache"), "--embedder", "bert", "--json");
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ error: { code: "embeddings/unknown-embedder" } });
    const neither = await cli("embed", "--json");
    expect(neither.code).toBe(1);
    expect(JSON.parse(neither.stdout)).toMatchObject({ error: { code: "embeddings/bad-option" } });
    const missing = await cli("embed", "--run", run, "--embedder", "lexical", "--json");
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: { code: "data/missing-dataset" } });
  });
});
