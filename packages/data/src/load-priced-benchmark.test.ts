import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DATA_ERROR_CODES } from "./errors.ts";
import { temporaryFolder } from "./internal/test-helpers.ts";
import { isPricedBenchmarkFolder, loadPricedBenchmark } from "./load-priced-benchmark.ts";
import { goldBattlesFromPricedBenchmark } from "./priced-gold-battles.ts";

const MODELS = [
  { name: "big", input_cost_per_token_usd: 1e-5, output_cost_per_token_usd: 3e-5 },
  { name: "small", input_price_per_million_tokens_usd: 0.5, output_price_per_million_tokens_usd: 1.5 },
];

interface Files {
  queries?: string;
  scores?: string;
  costs?: string;
  models?: unknown;
}

let folder: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => (folder = await temporaryFolder()));
afterEach(async () => folder.cleanup());

async function write(files: Files = {}): Promise<string> {
  const queries = files.queries ?? ['{"id": "q1", "dataset": "d", "prompt": "one"}', '{"id": "q2", "prompt": "two"}', '{"id": 3, "dataset": "e", "prompt": "three"}'].join("\n");
  await writeFile(join(folder.path, "queries.jsonl"), `${queries}\n`);
  await writeFile(join(folder.path, "scores.csv"), files.scores ?? "id,big,small\nq2,0.5,0.5\nq1,1.0,0.2\n3,0,1\n");
  await writeFile(join(folder.path, "costs.csv"), files.costs ?? "id,big,small\nq1,0.02,0.001\nq2,0.01,0.0005\n3,0.03,2e-4\n");
  await writeFile(join(folder.path, "models.json"), JSON.stringify(files.models ?? MODELS));
  return folder.path;
}

async function codeOf(files: Files): Promise<{ code: string; message: string; column?: string | undefined; row?: number | undefined }> {
  const error = await loadPricedBenchmark({ path: await write(files) }).then(
    () => undefined,
    (caught: unknown) => caught as { code: string; message: string; location: { column?: string; row?: number } },
  );
  if (error === undefined) throw new Error("expected loadPricedBenchmark to throw");
  return { code: error.code, message: error.message, column: error.location.column, row: error.location.row };
}

describe("loadPricedBenchmark", () => {
  it("reads the four files, rows in queries.jsonl order, csv rows matched by id, prices per token", async () => {
    const path = await write();
    expect(await isPricedBenchmarkFolder(path)).toBe(true);
    const benchmark = await loadPricedBenchmark({ path, name: "tiny" });
    expect(benchmark.name).toBe("tiny");
    expect(benchmark.ids).toEqual(["q1", "q2", "3"]);
    expect(benchmark.prompts).toEqual(["one", "two", "three"]);
    expect(benchmark.datasets).toEqual(["d", "", "e"]);
    expect(benchmark.models).toEqual([
      { name: "big", inputCostPerToken: 1e-5, outputCostPerToken: 3e-5 },
      { name: "small", inputCostPerToken: 0.5e-6, outputCostPerToken: 1.5e-6 },
    ]);
    expect([...benchmark.scores[0]!]).toEqual([1, 0.5, 0]);
    expect([...benchmark.scores[1]!]).toEqual([0.2, 0.5, 1]);
    expect([...benchmark.costs[1]!]).toEqual([0.001, 0.0005, 2e-4]);
  });

  it("a folder without the four files is not a priced benchmark", async () => {
    expect(await isPricedBenchmarkFolder(folder.path)).toBe(false);
  });

  it("a model of models.json without a column: data/missing-model-column naming the model", async () => {
    const error = await codeOf({ scores: "id,big\nq1,1\nq2,1\n3,1\n" });
    expect(error.code).toBe(DATA_ERROR_CODES.missingModelColumn);
    expect(error.column).toBe("small");
  });

  it("a column that names no model of models.json: data/missing-model-column", async () => {
    const error = await codeOf({ costs: "id,big,small,other\nq1,1,1,1\nq2,1,1,1\n3,1,1,1\n" });
    expect(error.code).toBe(DATA_ERROR_CODES.missingModelColumn);
    expect(error.column).toBe("other");
  });

  it("a negative cost: data/bad-cost with the row and the model", async () => {
    const error = await codeOf({ costs: "id,big,small\nq1,0.02,0.001\nq2,-0.01,0.0005\n3,0.03,2e-4\n" });
    expect(error).toMatchObject({ code: DATA_ERROR_CODES.badCost, column: "big", row: 2 });
    expect(error.message).toContain("negative");
  });

  it("a missing cost: data/bad-cost", async () => {
    const error = await codeOf({ costs: "id,big,small\nq1,0.02,\nq2,0.01,0.0005\n3,0.03,2e-4\n" });
    expect(error).toMatchObject({ code: DATA_ERROR_CODES.badCost, column: "small" });
    expect(error.message).toContain("missing");
  });

  it("a non-numeric score: data/bad-score", async () => {
    const error = await codeOf({ scores: "id,big,small\nq2,0.5,high\nq1,1.0,0.2\n3,0,1\n" });
    expect(error).toMatchObject({ code: DATA_ERROR_CODES.badScore, column: "small", row: 1 });
  });

  it("ids that differ between the files: data/id-mismatch (unknown, missing and repeated ids)", async () => {
    expect((await codeOf({ scores: "id,big,small\nq2,0.5,0.5\nq9,1.0,0.2\n3,0,1\n" })).code).toBe(DATA_ERROR_CODES.idMismatch);
    expect((await codeOf({ costs: "id,big,small\nq1,0.02,0.001\n3,0.03,2e-4\n" })).code).toBe(DATA_ERROR_CODES.idMismatch);
    expect((await codeOf({ scores: "id,big,small\nq2,0.5,0.5\nq1,1.0,0.2\nq1,1.0,0.2\n3,0,1\n" })).code).toBe(DATA_ERROR_CODES.idMismatch);
    expect((await codeOf({ queries: '{"id": "q1", "prompt": "a"}\n{"id": "q1", "prompt": "b"}' })).code).toBe(DATA_ERROR_CODES.idMismatch);
  });

  it("models.json without prices or not a list: data/bad-models-file", async () => {
    expect((await codeOf({ models: [{ name: "big" }, { name: "small", input_cost_per_token_usd: 1, output_cost_per_token_usd: 1 }] })).code).toBe(DATA_ERROR_CODES.badModelsFile);
    expect((await codeOf({ models: { big: {} } })).code).toBe(DATA_ERROR_CODES.badModelsFile);
    expect((await codeOf({ models: [{ name: "big", input_cost_per_token_usd: -1, output_cost_per_token_usd: 1 }] })).code).toBe(DATA_ERROR_CODES.badModelsFile);
  });

  it("a missing file: data/missing-file", async () => {
    await expect(loadPricedBenchmark({ path: join(folder.path, "nowhere") })).rejects.toMatchObject({ code: DATA_ERROR_CODES.missingFile });
  });
});

describe("goldBattlesFromPricedBenchmark", () => {
  it("every pair where one model scored higher is a battle won by it; ties split or dropped; sorted ids", async () => {
    const benchmark = await loadPricedBenchmark({ path: await write({ models: [MODELS[1], MODELS[0]], scores: "id,small,big\nq1,0.2,1\nq2,0.5,0.5\n3,1,0\n" }) });
    const split = goldBattlesFromPricedBenchmark({ benchmark });
    expect(split.models).toEqual(["big", "small"]); // sorted: big = 0, small = 1
    const battles = (gold: typeof split) => [...gold.winnerIds].map((winner, i) => [winner, gold.loserIds[i], gold.promptIndices[i]]);
    expect(battles(split)).toEqual([
      [0, 1, 0],
      [0, 1, 1],
      [1, 0, 1],
      [1, 0, 2],
    ]);
    expect(battles(goldBattlesFromPricedBenchmark({ benchmark, ties: "drop", rows: [1, 2] }))).toEqual([[1, 0, 2]]);
    expect(() => goldBattlesFromPricedBenchmark({ benchmark, models: ["big", "nope"] })).toThrow(expect.objectContaining({ code: DATA_ERROR_CODES.modelNotFound }));
  });
});

const shared = fileURLToPath(new URL("../../../../shared/data/", import.meta.url));
const present = existsSync(join(shared, "arena-bench-priced"));
if (!present) console.warn(`SKIPPED: the priced benchmark checks need ${shared} (../shared/data), which is absent.`);

describe.skipIf(!present)("loadPricedBenchmark on the shared priced folders (figures from their SOURCE.md)", () => {
  it.each([
    ["arena-bench-priced", 182, 11, "gpt-4-1106-preview", 0.8896, 22.841],
    ["alpaca-eval-priced", 479, 13, "gpt4_1106_preview", 0.5, 15.7642],
    ["routerarena", 501, 2, "claude-3-haiku-20240307", 0.5087, 0.1776],
  ])("%s: %i queries x %i models, first model's mean score and cost per 1k", async (name, rows, models, first, meanScore, costPer1k) => {
    const benchmark = await loadPricedBenchmark({ path: join(shared, name) });
    expect(benchmark.prompts).toHaveLength(rows);
    expect(benchmark.models).toHaveLength(models);
    expect(benchmark.models[0]!.name).toBe(first);
    const mean = (values: Float64Array) => values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(mean(benchmark.scores[0]!)).toBeCloseTo(meanScore, 4);
    expect(mean(benchmark.costs[0]!) * 1000).toBeCloseTo(costPer1k, 3);
  });
});
