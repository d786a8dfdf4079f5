import { describe, expect, it } from "vitest";
import { classificationMetrics, thresholdMetrics } from "./classification-metrics.ts";
import { rocAuc } from "./roc-auc.ts";

const WIN_RATES = [0.9, 0.8, 0.3, 0.1];
const NEEDED = [1, 0, 1, 0];

describe("classificationMetrics", () => {
  it("counts the confusion matrix and derives the per-class figures (hand-computed)", () => {
    const half = classificationMetrics({ winRates: WIN_RATES, strongNeeded: NEEDED, threshold: 0.5, strongPercent: 50 });
    expect(half.confusion).toEqual({ truePositive: 1, falsePositive: 1, trueNegative: 1, falseNegative: 1 });
    expect(half).toMatchObject({ strongPercent: 50, strongCallPercent: 50, accuracy: 0.5, precisionStrong: 0.5, recallStrong: 0.5, f1Strong: 0.5 });

    const strict = classificationMetrics({ winRates: WIN_RATES, strongNeeded: NEEDED, threshold: 0.85 });
    expect(strict.confusion).toEqual({ truePositive: 1, falsePositive: 0, trueNegative: 2, falseNegative: 1 });
    expect(strict.accuracy).toBe(0.75);
    expect(strict.precisionStrong).toBe(1);
    expect(strict.recallStrong).toBe(0.5);
    expect(strict.f1Strong).toBeCloseTo(2 / 3, 12);
    expect(strict.precisionWeak).toBeCloseTo(2 / 3, 12);
    expect(strict.recallWeak).toBe(1);
    expect(strict.f1Weak).toBeCloseTo(0.8, 12);
  });

  it("gives 0 instead of NaN when nothing is routed strong", () => {
    const none = classificationMetrics({ winRates: WIN_RATES, strongNeeded: NEEDED, threshold: 2 });
    expect(none).toMatchObject({ strongCallPercent: 0, precisionStrong: 0, recallStrong: 0, f1Strong: 0, accuracy: 0.5 });
  });

  it("thresholdMetrics calibrates on the win rates and measures every strong percent of the grid", () => {
    const rows = thresholdMetrics({ winRates: WIN_RATES, strongNeeded: NEEDED });
    expect(rows.map((row) => row.strongPercent)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(rows[0]!.strongCallPercent).toBe(25); // the top prompt ties with the 0 % threshold (the maximum)
    expect(rows[10]!.strongCallPercent).toBe(100);
    expect(rows[10]!.recallStrong).toBe(1);
  });
});

describe("rocAuc", () => {
  it("is the share of positive/negative pairs ranked right (hand-computed)", () => {
    // positives 0.9, 0.3; negatives 0.8, 0.1: pairs right 0.9>0.8, 0.9>0.1, 0.3>0.1; wrong 0.3<0.8
    expect(rocAuc({ scores: WIN_RATES, labels: NEEDED })).toBe(0.75);
  });

  it("counts a tied positive/negative pair as one half", () => {
    // positives 0.5, 0.8; negatives 0.5, 0.2: 0.5 (tie) + 1 + 1 + 1 over 4
    expect(rocAuc({ scores: [0.5, 0.5, 0.2, 0.8], labels: [true, false, false, true] })).toBe(0.875);
    expect(rocAuc({ scores: [0.3, 0.3, 0.3], labels: [1, 0, 1] })).toBe(0.5);
  });

  it("is NaN when only one class is present", () => {
    expect(rocAuc({ scores: [0.1, 0.2], labels: [1, 1] })).toBeNaN();
  });
});
