import { describe, expect, it } from "vitest";
import {
  anchoredCurve,
  averagePerformanceGapRecovered,
  callPerformanceThreshold,
  performanceGapRecovered,
  summarizeCurve,
} from "./curve-metrics.ts";

describe("PGR", () => {
  it("is 0 at the weak score, 1 at the strong score, linear between", () => {
    expect(performanceGapRecovered({ score: 0.6, strongScore: 0.8, weakScore: 0.6 })).toBe(0);
    expect(performanceGapRecovered({ score: 0.8, strongScore: 0.8, weakScore: 0.6 })).toBe(1);
    expect(performanceGapRecovered({ score: 0.65, strongScore: 0.8, weakScore: 0.6 })).toBeCloseTo(0.25, 12);
  });

  it("refuses a benchmark where both models score the same", () => {
    expect(() => performanceGapRecovered({ score: 0.5, strongScore: 0.5, weakScore: 0.5 })).toThrow(/undefined/);
  });
});

describe("APGR and CPT", () => {
  it("integrate over the strong-call fraction with the 0 % and 100 % endpoints added", () => {
    expect(anchoredCurve([{ strongCallPercent: 50, pgr: 0.8 }])).toEqual([
      { strongCallPercent: 0, pgr: 0 },
      { strongCallPercent: 50, pgr: 0.8 },
      { strongCallPercent: 100, pgr: 1 },
    ]);
    // 0.5 * (0 + 0.8) / 2 + 0.5 * (0.8 + 1) / 2 = 0.2 + 0.45
    expect(averagePerformanceGapRecovered([{ strongCallPercent: 50, pgr: 0.8 }])).toBeCloseTo(0.65, 12);
  });

  it("CPT takes the first crossing on a curve that is not monotone (np.interp would not)", () => {
    // PGR rises to 0.6 at 20 %, falls to 0.1 at 40 %, then climbs to 1.
    const samples = [
      { strongCallPercent: 20, pgr: 0.6 },
      { strongCallPercent: 40, pgr: 0.1 },
      { strongCallPercent: 70, pgr: 0.9 },
      { strongCallPercent: 100, pgr: 1 },
    ];
    expect(callPerformanceThreshold({ samples, gapPercent: 50 })).toBeCloseTo(20 * (0.5 / 0.6), 12);
    expect(callPerformanceThreshold({ samples, gapPercent: 20 })).toBeCloseTo(20 * (0.2 / 0.6), 12);
    // 0.8 is first reached between 40 % (0.1) and 70 % (0.9): 40 + 30 * 0.7 / 0.8
    expect(callPerformanceThreshold({ samples, gapPercent: 80 })).toBeCloseTo(40 + (30 * 0.7) / 0.8, 12);
  });

  it("summarizes into APGR, AUC in score units, and CPT(20/50/80) in percent", () => {
    const summary = summarizeCurve({ samples: [{ strongCallPercent: 50, pgr: 0.8 }], strongScore: 0.9, weakScore: 0.5 });
    expect(summary.apgr).toBeCloseTo(0.65, 12);
    expect(summary.auc).toBeCloseTo(0.5 + 0.65 * 0.4, 12);
    expect(summary.cpt20).toBeCloseTo(12.5, 12);
    expect(summary.cpt50).toBeCloseTo(31.25, 12);
    expect(summary.cpt80).toBeCloseTo(50, 12);
  });
});
