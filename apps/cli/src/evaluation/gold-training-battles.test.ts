import type { Benchmark } from "@muffler/data";
import { describe, expect, it } from "vitest";
import { goldTrainingBattles } from "./gold-training-battles.ts";

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
    expect(pairs({ benchmark: BENCHMARK, rows: [0, 1, 2, 3], ties: "drop" })).toEqual(["0:strong", "1:weak"]);
    expect(pairs({ benchmark: BENCHMARK, rows: [0, 1, 2, 3], ties: "drop", passingScore: 1 })).toEqual(["0:strong", "1:weak", "2:weak"]);
    expect(pairs({ benchmark: BENCHMARK, rows: [2, 3], ties: "weak-wins" })).toEqual(["2:weak", "3:weak"]);
    expect(pairs({ benchmark: BENCHMARK, rows: [3], ties: "strong-wins" })).toEqual(["3:strong"]);
  });

  it("ids index the sorted model names, and a set of only dropped ties is an error", () => {
    const gold = goldTrainingBattles({ benchmark: BENCHMARK, rows: [0] });
    expect(gold.models).toEqual(["strong", "weak"]);
    expect([gold.strongId, gold.weakId]).toEqual([0, 1]);
    expect(() => goldTrainingBattles({ benchmark: BENCHMARK, rows: [3], ties: "drop" })).toThrow(/give no battle/);
  });
});
