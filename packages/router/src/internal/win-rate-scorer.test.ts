import { SeededRandom } from "@muffler/core";
import { describe, expect, it } from "vitest";
import { WinRateScorer } from "./win-rate-scorer.ts";

/** The MF win rate written out as the paper defines it: sigmoid(c.(norm(P[s]) * Wq) - c.(norm(P[w]) * Wq)). */
function naiveWinRate(P: Float32Array, W: Float32Array, c: Float32Array, hidden: number, dimension: number, strong: number, weak: number, q: Float32Array): number {
  const projected = Array.from({ length: hidden }, (_, h) => {
    let sum = 0;
    for (let d = 0; d < dimension; d++) sum += W[h * dimension + d]! * q[d]!;
    return sum;
  });
  const logit = (model: number) => {
    const row = Array.from({ length: hidden }, (_, h) => P[model * hidden + h]!);
    const norm = Math.sqrt(row.reduce((sum, value) => sum + value * value, 0));
    return row.reduce((sum, value, h) => sum + c[h]! * (value / norm) * projected[h]!, 0);
  };
  return 1 / (1 + Math.exp(-(logit(strong) - logit(weak))));
}

describe("WinRateScorer", () => {
  it("matches the MF formula on random parameters", () => {
    const random = new SeededRandom(7);
    const hidden = 16;
    const dimension = 32;
    const models = 3;
    const fill = (length: number) => Float32Array.from({ length }, () => random.normal());
    const P = fill(models * hidden);
    const W = fill(hidden * dimension).map((value) => value * 0.1);
    const c = fill(hidden);
    const scorer = new WinRateScorer({ models: ["a", "b", "c"], hidden, dimension, P, W, c }, 2, 0);
    for (let trial = 0; trial < 5; trial++) {
      const q = fill(dimension);
      const norm = Math.hypot(...q);
      q.forEach((value, index) => (q[index] = value / norm));
      expect(scorer.winRate(q)).toBeCloseTo(naiveWinRate(P, W, c, hidden, dimension, 2, 0, q), 6);
    }
  });
});
