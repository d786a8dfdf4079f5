import { describe, expect, it } from "vitest";
import { SeededRandom } from "@muffler/core";
import { averagePerformanceGapRecovered } from "./curve-metrics.ts";
import { evaluateRouting } from "./evaluate-routing.ts";
import { routingCurve } from "./routing-curve.ts";
import { calibrateThresholds } from "./thresholds.ts";

/** A random benchmark with 0/1 correctness where the strong model is right more often. */
function randomBenchmark(random: SeededRandom, n: number) {
  const strongScores = Float64Array.from({ length: n }, () => (random.next() < 0.8 ? 1 : 0));
  const weakScores = Float64Array.from({ length: n }, () => (random.next() < 0.6 ? 1 : 0));
  return { strongScores, weakScores };
}

describe("properties on random data", () => {
  it("a router with random win rates averages APGR 0.5, as the random router's expectation says", () => {
    const random = new SeededRandom(1);
    const scores = randomBenchmark(random, 101);
    const apgrs: number[] = [];
    for (let trial = 0; trial < 2000; trial++) {
      const winRates = Float64Array.from({ length: 101 }, () => random.next());
      const thresholds = calibrateThresholds({ winRates });
      apgrs.push(averagePerformanceGapRecovered(routingCurve({ ...scores, winRates, thresholds })));
    }
    const average = apgrs.reduce((sum, value) => sum + value, 0) / apgrs.length;
    const spread = Math.sqrt(apgrs.reduce((sum, value) => sum + (value - average) ** 2, 0) / apgrs.length);
    // the mean of 2000 draws lies within 4 standard errors of its expectation 0.5
    expect(Math.abs(average - 0.5)).toBeLessThan((4 * spread) / Math.sqrt(apgrs.length));
    const expectation = evaluateRouting({ benchmark: "b", router: "r", winRates: Float64Array.from({ length: 101 }, () => random.next()), ...scores });
    expect(expectation.random.apgr).toBeCloseTo(0.5, 12);
  });

  it("the oracle is at least as good as any router, at every point and in APGR", () => {
    const random = new SeededRandom(2);
    for (let trial = 0; trial < 200; trial++) {
      const n = 5 + random.int(60);
      const scores = randomBenchmark(random, n);
      // routers from useless to informed: win rates = noise + skill * (strong - weak gain)
      const skill = random.next() * 3;
      const winRates = Float64Array.from({ length: n }, (_, i) => random.next() + skill * (scores.strongScores[i]! - scores.weakScores[i]!));
      const strong = scores.strongScores.reduce((sum, value) => sum + value, 0);
      const weak = scores.weakScores.reduce((sum, value) => sum + value, 0);
      if (strong <= weak) continue; // the strong model must be the better one for PGR to rise with the score
      const result = evaluateRouting({ benchmark: "b", router: "r", winRates, ...scores, strongPercents: [0, 5, 20, 35, 50, 65, 80, 100] });
      expect(result.oracle.apgr).toBeGreaterThanOrEqual(result.apgr - 1e-12);
      result.curve.forEach((point, index) => expect(result.oracle.curve[index]!.score).toBeGreaterThanOrEqual(point.score - 1e-12));
    }
  });
});
