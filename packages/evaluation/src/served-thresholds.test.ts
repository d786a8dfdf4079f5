import { describe, expect, it } from "vitest";
import { servedThresholdFigures } from "./served-thresholds.ts";

describe("servedThresholdFigures", () => {
  it("reports the realized strong-call share and quality at stored thresholds, which differ from the targets off-sample", () => {
    // Benchmark win rates run higher than the traffic the thresholds were calibrated on.
    const winRates = [0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.45, 0.4, 0.3, 0.2];
    const strongScores = [1, 1, 1, 1, 1, 1, 1, 0, 1, 1];
    const weakScores = [0, 0, 1, 0, 1, 1, 1, 0, 1, 0];
    const figures = servedThresholdFigures({
      winRates,
      strongScores,
      weakScores,
      thresholds: [
        { strongPercent: 20, threshold: 0.65, calibratedOn: "test" },
        { strongPercent: 50, threshold: 0.42, calibratedOn: "test" },
      ],
    });
    expect(figures.calibratedOn).toBe("test");
    expect(figures.points.map((point) => point.strongPercent)).toEqual([20, 50]);
    expect(figures.points.map((point) => point.strongCallPercent)).toEqual([30, 70]); // 3 and 7 of 10 prompts
    // 30 %: prompts 0-2 strong (1, 1, 1), the rest weak (0, 1, 1, 1, 0, 1, 0) -> 7 / 10
    expect(figures.points[0]!.score).toBeCloseTo(0.7, 12);
    // PGR = (score - weak) / (strong - weak) with strong 0.9, weak 0.5
    expect(figures.points[0]!.pgr).toBeCloseTo((0.7 - 0.5) / (0.9 - 0.5), 12);
  });
});
