import type { Benchmark } from "./benchmark.ts";
import { describe, expect, it } from "vitest";
import { DATA_ERROR_CODES } from "./errors.ts";
import { goldBattlesFromBenchmark, goldTrainingBattles } from "./gold-battles.ts";

// rows: strong better, weak better, both right, both wrong
const BENCHMARK: Benchmark = {
  name: "tiny",
  prompts: ["p0", "p1", "p2", "p3"],
  strongScores: Float64Array.of(1, 0, 1, 0),
  weakScores: Float64Array.of(0, 1, 1, 0),
  strongModel: "strong",
  weakModel: "weak",
};

function pairs(options: Parameters<typeof goldTrainingBattles>[0]) {
  const { battles, strongId } = goldTrainingBattles(options);
  return Array.from(battles.promptIndices, (row, i) => `${row}:${battles.winnerIds[i] === strongId ? "strong" : "weak"}`);
}

describe("goldTrainingBattles", () => {
  it("splits every tie into one win each by default (both right and both wrong are ties)", () => {
    expect(pairs({ benchmark: BENCHMARK, rows: [0, 1, 2, 3] })).toEqual(["0:strong", "1:weak", "2:strong", "2:weak", "3:strong", "3:weak"]);
  });

  it("follows the tie policy and the passing score, and uses only the given rows", () => {
    expect(pairs({ benchmark: BENCHMARK, rows: [0, 1, 2, 3], tiePolicy: "drop" })).toEqual(["0:strong", "1:weak"]);
    expect(pairs({ benchmark: BENCHMARK, rows: [0, 1, 2, 3], tiePolicy: "drop", passingScore: 1 })).toEqual(["0:strong", "1:weak", "2:weak"]);
    expect(pairs({ benchmark: BENCHMARK, rows: [2, 3], tiePolicy: "weak-wins" })).toEqual(["2:weak", "3:weak"]);
    expect(pairs({ benchmark: BENCHMARK, rows: [3], tiePolicy: "strong-wins" })).toEqual(["3:strong"]);
  });

  it("ids index the sorted model names, and a set of only dropped ties is an error", () => {
    const gold = goldTrainingBattles({ benchmark: BENCHMARK, rows: [0] });
    expect(gold.models).toEqual(["strong", "weak"]);
    expect([gold.strongId, gold.weakId]).toEqual([0, 1]);
    expect(() => goldTrainingBattles({ benchmark: BENCHMARK, rows: [3], tiePolicy: "drop" })).toThrow(expect.objectContaining({ code: DATA_ERROR_CODES.noBattles }));
  });

  it("is one definition: goldBattlesFromBenchmark's outcomes are the battles goldTrainingBattles keeps under drop", () => {
    for (const passingScore of [1, Number.POSITIVE_INFINITY]) {
      const outcomes = goldBattlesFromBenchmark({ benchmark: BENCHMARK, passingScore }).map((battle, row) => `${row}:${battle.winner}`);
      const kept = pairs({ benchmark: BENCHMARK, rows: [0, 1, 2, 3], tiePolicy: "drop", passingScore }).map((pair) => pair.replace("strong", "model_a").replace("weak", "model_b"));
      expect(outcomes.filter((outcome) => !outcome.endsWith("tie"))).toEqual(kept);
    }
    expect(goldBattlesFromBenchmark({ benchmark: BENCHMARK }).map((battle) => battle.winner)).toEqual(["model_a", "model_b", "tie", "tie"]);
  });
});
