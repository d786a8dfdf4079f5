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
  it("RouteLLM's quantile bins measure the default grid's points, except 0 % strong calls at the top edge ('>')", () => {
    // 12 prompts, win rates i / 11. The highest (prompt 11) is one the weak model wins (gain -1), the next (prompt 10)
    // one the strong model wins (+1); prompts 0-3 +1, 4-9 both right. strong 11/12, weak 7/12, gap 4/12.
    const winRates = Array.from({ length: 12 }, (_, i) => i / 11);
    const strongScores = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0];
    const weakScores = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 1];
    const options = { benchmark: "b", router: "r", winRates, strongScores, weakScores };
    const grid = evaluateRouting(options);
    const bins = evaluateRouting({ ...options, evaluationPoints: "quantile-bins" });
    // The grid's 0 % threshold is the highest win rate and `>=` still sends that prompt strong: score 6/12, PGR -1/4.
    expect(grid.curve[0]).toMatchObject({ strongPercent: 0, threshold: 1, strongCallPercent: 100 / 12, pgr: expect.closeTo(-0.25, 12) });
    // RouteLLM's last edge is the same number, compared with `>`: nothing strong, the weak model's score.
    expect(bins.curve[0]).toEqual({ strongPercent: 0, threshold: 1, comparison: ">", strongCallPercent: 0, score: 7 / 12, pgr: 0 });
    // The other points are the grid's (thresholds equal up to the float of each fraction: 0.7000000000000001 vs 0.7).
    const shareAndScore = (points: typeof grid.curve) => points.map((point) => [point.strongCallPercent, point.score]);
    expect(shareAndScore(bins.curve.slice(1))).toEqual(shareAndScore(grid.curve.slice(1)));
    bins.curve.forEach((point, index) => expect(point.threshold).toBeCloseTo(grid.curve[index]!.threshold, 12));
    expect(bins.curve[1]).toMatchObject({ strongPercent: 10, strongCallPercent: 200 / 12, pgr: expect.closeTo(0, 12) });
    // Over 0..2/12: grid (0, 0) (1/12, -1/4) (2/12, 0) = -1/96 - 1/96; bins (0, 0) (2/12, 0) = 0.
    expect(bins.apgr - grid.apgr).toBeCloseTo(1 / 48, 12);
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
