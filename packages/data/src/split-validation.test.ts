import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import { temporaryFolder, writeCsv } from "./internal/test-helpers.ts";
import { prepareDataset } from "./prepare-dataset.ts";
import { readPreparedBattles, type PreparedBattles } from "./read-prepared-battles.ts";
import { splitValidation } from "./split-validation.ts";

let folder: Awaited<ReturnType<typeof temporaryFolder>>;
beforeEach(async () => {
  folder = await temporaryFolder();
});
afterEach(async () => folder.cleanup());

const textsOf = (battles: PreparedBattles) => new Set(Array.from(battles.promptIndices, (index) => battles.prompts[index]!));

// 60 distinct prompts, each judged 1 to 4 times (a repeated prompt, as Arena data has them), both outcomes.
const repeated = Array.from({ length: 150 }, (_, index) => {
  const prompt = index % 60;
  return {
    model_a: index % 2 === 0 ? "gpt-4" : "mixtral",
    model_b: index % 2 === 0 ? "mixtral" : "gpt-4",
    prompt: `Prompt ${prompt}: ${"x".repeat(prompt % 7)}`,
    winner_model_a: index % 3 === 0 ? 1 : 0,
    winner_model_b: index % 3 === 0 ? 0 : 1,
  };
});

describe("honest splits", () => {
  it("keeps every battle of a repeated prompt in one split, train/test and train/validation, for shuffled, file-order and stratified splits", async () => {
    const input = await writeCsv(join(folder.path, "repeated.csv"), repeated);
    for (const [name, options] of [["shuffled", {}], ["file-order", { shuffle: false }], ["stratified", { stratify: true }], ["balanced", { balance: true }]] as const) {
      const run = join(folder.path, name);
      await prepareDataset({ input, runDirectory: run, strongModel: "gpt-4", weakModel: "mixtral", splitRatio: 0.8, seed: 4, ...options });
      const train = await readPreparedBattles(run, "train");
      const test = await readPreparedBattles(run, "test");
      const trainTexts = textsOf(train);
      const testTexts = textsOf(test);
      expect(testTexts.size).toBeGreaterThan(0);
      for (const text of testTexts) expect(trainTexts.has(text)).toBe(false);
      // every battle of a test prompt is in test
      for (const text of testTexts) expect(test.prompts.filter((prompt) => prompt === text)).toHaveLength(repeated.filter((row) => row.prompt === text).length);

      const { train: fit, validation } = splitValidation({ battles: train, validationRatio: 0.2, seed: 1 });
      expect(fit.promptIndices.length + validation.promptIndices.length).toBe(train.promptIndices.length);
      expect(validation.promptIndices.length).toBeGreaterThanOrEqual(Math.ceil(0.2 * train.promptIndices.length));
      const fitTexts = textsOf(fit);
      const validationTexts = textsOf(validation);
      expect(validationTexts.size).toBeGreaterThan(0);
      for (const text of validationTexts) {
        expect(fitTexts.has(text)).toBe(false);
        expect(testTexts.has(text)).toBe(false);
      }
    }
  });

  it("carves the same validation split for a seed and another one for another seed", () => {
    const battles: PreparedBattles = {
      prompts: Array.from({ length: 40 }, (_, i) => `p${i % 25}`),
      winnerIds: Int32Array.from({ length: 40 }, (_, i) => i % 2),
      loserIds: Int32Array.from({ length: 40 }, (_, i) => 1 - (i % 2)),
      promptIndices: Int32Array.from({ length: 40 }, (_, i) => i),
    };
    const a = splitValidation({ battles, seed: 3, validationRatio: 0.25 });
    const b = splitValidation({ battles, seed: 3, validationRatio: 0.25 });
    const c = splitValidation({ battles, seed: 4, validationRatio: 0.25 });
    expect(Array.from(a.validation.promptIndices)).toEqual(Array.from(b.validation.promptIndices));
    expect(Array.from(a.validation.promptIndices)).not.toEqual(Array.from(c.validation.promptIndices));
    expect(() => splitValidation({ battles, validationRatio: 1 })).toThrow(expect.objectContaining({ code: "data/bad-option" }));
  });
});
