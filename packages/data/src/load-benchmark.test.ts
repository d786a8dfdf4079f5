import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Benchmark } from "./benchmark.ts";
import { goldBattlesFromBenchmark } from "./gold-battles.ts";
import { loadBenchmark } from "./load-benchmark.ts";

const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));
const evals = join(repositoryRoot, "../shared/data/routellm-evals");
const present = existsSync(evals);
if (!present) console.warn(`SKIPPED: the RouteLLM evaluation checks need ${evals} (../shared/data/routellm-evals), which is absent.`);

function tally(benchmark: Benchmark) {
  let both = 0;
  let strongOnly = 0;
  let weakOnly = 0;
  let neither = 0;
  benchmark.prompts.forEach((_, index) => {
    const strong = benchmark.strongScores[index] === 1;
    const weak = benchmark.weakScores[index] === 1;
    if (strong && weak) both++;
    else if (strong) strongOnly++;
    else if (weak) weakOnly++;
    else neither++;
  });
  const mean = (scores: Float64Array) => (100 * scores.reduce((sum, value) => sum + value, 0)) / scores.length;
  return { rows: benchmark.prompts.length, strong: mean(benchmark.strongScores), weak: mean(benchmark.weakScores), both, strongOnly, weakOnly, neither };
}

describe.skipIf(!present)("loadBenchmark on RouteLLM's evaluation files (numbers from SOURCE.md)", () => {
  it("MMLU: 57 subject files in sorted order, subject kept, 5 contaminated prompts dropped", async () => {
    const all = await loadBenchmark({ path: join(evals, "mmlu"), contamination: false });
    expect(all.strongModel).toBe("gpt-4-1106-preview");
    expect(all.weakModel).toBe("mistralai/Mixtral-8x7B-Instruct-v0.1");
    const counts = tally(all);
    expect(counts).toMatchObject({ rows: 14_042, both: 8818, strongOnly: 2497, weakOnly: 742, neither: 1985 });
    expect(counts.strong).toBeCloseTo(80.58, 2);
    expect(counts.weak).toBeCloseTo(68.08, 2);
    expect(new Set(all.groups).size).toBe(57);
    expect(all.groups![0]).toBe("abstract_algebra");
    expect(all.groups!.at(-1)).toBe("world_religions");

    const clean = await loadBenchmark({ path: join(evals, "mmlu") });
    expect(tally(clean)).toMatchObject({ rows: 14_037, both: 8816, strongOnly: 2496, weakOnly: 742, neither: 1983 });
    expect(tally(clean).strong).toBeCloseTo(80.59, 2);
    expect(tally(clean).weak).toBeCloseTo(68.09, 2);

    const gold = goldBattlesFromBenchmark({ benchmark: clean, passingScore: 1 });
    expect(gold.filter((battle) => battle.winner === "model_a")).toHaveLength(2496);
    expect(gold.filter((battle) => battle.winner === "model_b")).toHaveLength(8816 + 742);
    expect(gold.filter((battle) => battle.winner === "tie")).toHaveLength(1983);
  });

  it("GSM8K: one CSV, the *_response columns ignored, 12 contaminated prompts dropped", async () => {
    const all = tally(await loadBenchmark({ path: join(evals, "gsm8k", "gsm8k_responses.csv"), contamination: false }));
    expect(all).toMatchObject({ rows: 1319, both: 747, strongOnly: 383, weakOnly: 95, neither: 94 });
    const clean = await loadBenchmark({ path: join(evals, "gsm8k") });
    expect(clean.name).toBe("gsm8k");
    expect(tally(clean)).toMatchObject({ rows: 1307, both: 739, strongOnly: 382, weakOnly: 94, neither: 92 });
    expect(tally(clean).strong).toBeCloseTo(85.77, 2);
    expect(tally(clean).weak).toBeCloseTo(63.73, 2);
  });

  it("MT-Bench: the mean of both turns' scores, 8 contaminated questions dropped, aliases for model names", async () => {
    const benchmark = await loadBenchmark({ path: join(evals, "mt_bench"), weakModel: "mixtral-8x7b-instruct-v0.1" });
    expect(benchmark.name).toBe("mt_bench");
    expect(benchmark.weakModel).toBe("mistralai/Mixtral-8x7B-Instruct-v0.1");
    expect(benchmark.prompts).toHaveLength(72);
    const mean = (scores: Float64Array) => scores.reduce((sum, value) => sum + value, 0) / scores.length;
    expect(mean(benchmark.strongScores)).toBeCloseTo(9.2118, 3);
    expect(mean(benchmark.weakScores)).toBeCloseTo(8.2812, 3);
    const firstTurn = await loadBenchmark({ path: join(evals, "mt_bench", "judgements.jsonl"), mtBenchTurns: "first", contamination: false });
    expect(firstTurn.prompts).toHaveLength(80);
  });
});
