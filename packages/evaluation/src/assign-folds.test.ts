import { describe, expect, it } from "vitest";
import { assignFolds } from "./assign-folds.ts";

describe("assignFolds", () => {
  it("keeps identical prompts in one fold, balances distinct prompts, and repeats for a seed", () => {
    const prompts = Array.from({ length: 50 }, (_, i) => `prompt ${i % 40}`); // 10 prompts appear twice
    const folds = assignFolds({ prompts, k: 5, seed: 0 });
    for (let i = 0; i < 10; i++) expect(folds[i]).toBe(folds[i + 40]);
    const distinctPerFold = [0, 1, 2, 3, 4].map((fold) => new Set(prompts.filter((_, i) => folds[i] === fold)).size);
    expect(distinctPerFold).toEqual([8, 8, 8, 8, 8]);
    expect(Array.from(assignFolds({ prompts, k: 5, seed: 0 }))).toEqual(Array.from(folds));
    expect(Array.from(assignFolds({ prompts, k: 5, seed: 1 }))).not.toEqual(Array.from(folds));
  });

  it("refuses more folds than distinct prompts", () => {
    expect(() => assignFolds({ prompts: ["a", "a", "b"], k: 3, seed: 0 })).toThrow(/cannot make 3 folds of 2 distinct prompts/);
  });
});
