import { describe, expect, it } from "vitest";
import { areaAboveMixingHull, bestArenaPoint, mixingFrontier, oracleFrontier, paretoFrontier, pointOfChoices, qualityAtCost } from "./cost-quality-frontier.ts";

// Two queries, two models: "big" (scores 1, 1; $0.01 each), "small" (scores 1, 0; $0.001 each).
const scores = [Float64Array.of(1, 1), Float64Array.of(1, 0)];
const costs = [Float64Array.of(0.01, 0.01), Float64Array.of(0.001, 0.001)];

describe("cost-quality frontier", () => {
  it("a choice per query gives its real mean quality and USD per 1,000 queries", () => {
    expect(pointOfChoices({ choices: [1, 0], scores, costs })).toEqual({ costPer1k: 5.5, quality: 1 });
    expect(pointOfChoices({ choices: [1, 1], scores, costs })).toEqual({ costPer1k: 1, quality: 0.5 });
  });

  it("the oracle sends each query to the best real score - lambda x cost", () => {
    const [free, mid, dear] = oracleFrontier({ scores, costs, lambdas: [0, 50, 1000] });
    expect(free).toEqual({ costPer1k: 5.5, quality: 1, lambda: 0 }); // ties go to the cheaper model
    expect(mid).toEqual({ costPer1k: 5.5, quality: 1, lambda: 50 }); // 1 - 0.5 > 0 - 0.05
    expect(dear).toEqual({ costPer1k: 1, quality: 0.5, lambda: 1000 }); // 1 - 10 < 0 - 1
  });

  it("Pareto points are sorted by cost with strictly rising quality; the mixing hull drops points under a chord", () => {
    const points = [
      { costPer1k: 10, quality: 0.9 },
      { costPer1k: 1, quality: 0.5 },
      { costPer1k: 5, quality: 0.8 }, // under the chord (2, 0.75) -> (10, 0.9): 0.75 + 0.15 * 3 / 8 = 0.806
      { costPer1k: 6, quality: 0.4 }, // dominated
      { costPer1k: 2, quality: 0.75 },
    ];
    expect(paretoFrontier(points).map((point) => point.costPer1k)).toEqual([1, 2, 5, 10]);
    expect(mixingFrontier(points).map((point) => point.costPer1k)).toEqual([1, 2, 10]);
  });

  it("quality at a cost interpolates between Pareto points, holds the best beyond, null below the cheapest", () => {
    const points = [
      { costPer1k: 1, quality: 0.5 },
      { costPer1k: 3, quality: 0.9 },
    ];
    expect(qualityAtCost(points, 2)).toBeCloseTo(0.7, 12);
    expect(qualityAtCost(points, 5)).toBe(0.9);
    expect(qualityAtCost(points, 0.5)).toBeNull();
  });

  it("the area above the hull: a router on the hull scores 0, one above it the mean gap", () => {
    const singles = [
      { costPer1k: 0, quality: 0 },
      { costPer1k: 10, quality: 1 },
    ];
    expect(areaAboveMixingHull({ frontier: singles, singleModels: singles })).toBeCloseTo(0, 9);
    // a router with a point at (0, 0.5), flat to (10, 1)... frontier (0, 0.5) -> (10, 1) is 0.5 above at 0, 0 at 10: mean 0.25
    expect(areaAboveMixingHull({ frontier: [{ costPer1k: 0, quality: 0.5 }, { costPer1k: 10, quality: 1 }], singleModels: singles })).toBeCloseTo(0.25, 6);
    // below the hull: negative
    expect(areaAboveMixingHull({ frontier: [{ costPer1k: 0, quality: 0 }, { costPer1k: 10, quality: 0.5 }], singleModels: singles })).toBeCloseTo(-0.25, 6);
  });

  it("the best RouterArena point is the one with the highest score", () => {
    const best = bestArenaPoint([
      { costPer1k: 22.8, quality: 0.89, lambda: 0 },
      { costPer1k: 2, quality: 0.85, lambda: 10 },
      { costPer1k: 0.05, quality: 0.33, lambda: 1e6 },
    ]);
    expect(best.lambda).toBe(10);
    expect(best.arenaScore).toBeGreaterThan(0.7);
  });
});
