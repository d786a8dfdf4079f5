import { describe, expect, it } from "vitest";
import { oracleRouter, randomRouter } from "./baseline-routers.ts";
import { evaluateRouting } from "./evaluate-routing.ts";
import { routingCurve } from "./routing-curve.ts";
import { calibrateThresholds } from "./thresholds.ts";

// Four prompts, by hand. Win rates 0.9, 0.8, 0.3, 0.1; strong right on prompts 0 and 3, weak right on prompt 1.
// strongScore = 0.5, weakScore = 0.25, gap 0.25; gains (strong - weak) in win-rate order: +1, -1, 0, +1.
const WIN_RATES = [0.9, 0.8, 0.3, 0.1];
const STRONG = [1, 0, 0, 1];
const WEAK = [0, 1, 0, 0];

describe("routingCurve", () => {
  it("scores each routed prompt with the chosen model's score (hand-computed, non-monotone)", () => {
    const thresholds = calibrateThresholds({ winRates: WIN_RATES, strongPercents: [0, 50, 100] });
    // quantiles of [0.1, 0.3, 0.8, 0.9] at 1, 0.5, 0: 0.9, 0.55, 0.1
    expect(thresholds.map((entry) => entry.threshold)).toEqual([0.9, 0.55, 0.1]);
    const curve = routingCurve({ winRates: WIN_RATES, strongScores: STRONG, weakScores: WEAK, thresholds });
    expect(curve.map((point) => [point.strongCallPercent, point.score, point.pgr])).toEqual([
      [25, 0.5, 1], // prompt 0 strong: 1 + 1 + 0 + 0 over 4
      [50, 0.25, 0], // prompts 0, 1 strong: 1 + 0 + 0 + 0
      [100, 0.5, 1], // all strong
    ]);
  });

  it("evaluateRouting reports APGR, AUC and CPT of that curve beside the random and oracle routers", () => {
    const result = evaluateRouting({
      benchmark: "tiny",
      router: "hand",
      winRates: WIN_RATES,
      strongScores: STRONG,
      weakScores: WEAK,
      strongPercents: [0, 50, 100],
    });
    expect(result).toMatchObject({ benchmark: "tiny", router: "hand", rows: 4, strongScore: 0.5, weakScore: 0.25 });
    // anchored curve (0, 0) (0.25, 1) (0.5, 0) (1, 1): 0.125 + 0.125 + 0.25
    expect(result.apgr).toBeCloseTo(0.5, 12);
    expect(result.auc).toBeCloseTo(0.375, 12);
    expect(result.cpt20).toBeCloseTo(5, 12);
    expect(result.cpt50).toBeCloseTo(12.5, 12);
    expect(result.cpt80).toBeCloseTo(20, 12);
    expect(result.random.apgr).toBeCloseTo(0.5, 12);
    expect(result.random.cpt50).toBeCloseTo(50, 12);
    expect(result.random.curve.map((point) => point.pgr)).toEqual([0.25, 0.5, 1]);
    // oracle gains sorted +1, +1, 0, -1: PGR 0, 1, 2, 2, 1 at 0, 25, 50, 75, 100 %
    expect(result.oracle.apgr).toBeCloseTo(0.25 * (0.5 + 1.5 + 2 + 1.5), 12);
    expect(result.oracle.cpt50).toBeCloseTo(12.5, 12);
    expect(result.oracle.curve.map((point) => point.pgr)).toEqual([1, 2, 1]);
  });

  it("refuses arrays of different lengths", () => {
    expect(() =>
      routingCurve({ winRates: [0.1, 0.2], strongScores: [1], weakScores: [0], thresholds: [{ strongPercent: 50, threshold: 0.5 }] }),
    ).toThrow(/one value per prompt/);
  });
});

describe("evaluation points", () => {
  it("RouteLLM's quantile bins measure the same curve as the default grid", () => {
    const options = { benchmark: "b", router: "r", winRates: [0.05, 0.2, 0.21, 0.5, 0.7, 0.93, 0.4], strongScores: [1, 1, 0, 1, 1, 0, 1], weakScores: [0, 1, 0, 0, 1, 1, 0] };
    const grid = evaluateRouting(options);
    const bins = evaluateRouting({ ...options, evaluationPoints: "quantile-bins" });
    expect(bins.apgr).toBeCloseTo(grid.apgr, 12);
    expect(bins.curve.map((point) => point.strongCallPercent)).toEqual(grid.curve.map((point) => point.strongCallPercent));
  });
});

describe("baseline routers", () => {
  it("random router: PGR equals the strong-call fraction, APGR 0.5, CPT(x) = x", () => {
    const random = randomRouter({ strongScores: [1, 1, 0], weakScores: [0, 1, 0], strongCallPercents: [10, 35, 90] });
    expect(random.curve.map((point) => point.pgr)).toEqual([0.1, 0.35, 0.9].map((f) => expect.closeTo(f, 12)));
    expect(random.apgr).toBeCloseTo(0.5, 12);
    expect([random.cpt20, random.cpt50, random.cpt80]).toEqual([expect.closeTo(20, 9), expect.closeTo(50, 9), expect.closeTo(80, 9)]);
  });

  it("oracle router: exceeds PGR 1 when the weak model is sometimes right where the strong is wrong", () => {
    const oracle = oracleRouter({ strongScores: [1, 0, 1, 1], weakScores: [0, 1, 1, 0], strongCallPercents: [50] });
    // gains +1, +1, 0, -1 again
    expect(oracle.curve[0]!.pgr).toBe(2);
    expect(oracle.apgr).toBeGreaterThan(1);
  });
});
