import { describe, expect, it } from "vitest";
import { MODEL_ERROR_CODES } from "./errors.ts";
import { expectedQuality, fitQualityCalibration, fitQualityCalibrationCv } from "./quality-calibration.ts";

describe("fitQualityCalibration (Platt scaling)", () => {
  it("recovers the intercept and slope of scores drawn as sigmoid(a + b z) (soft labels)", () => {
    const logits = Array.from({ length: 201 }, (_, i) => -4 + i * 0.04);
    const scores = logits.map((z) => 1 / (1 + Math.exp(-(0.5 + 1.5 * z))));
    const calibration = fitQualityCalibration({ logits, scores, ridge: 0 });
    expect(calibration.intercept).toBeCloseTo(0.5, 4);
    expect(calibration.slope).toBeCloseTo(1.5, 4);
    expect(expectedQuality(calibration, 0)).toBeCloseTo(1 / (1 + Math.exp(-0.5)), 4);
  });

  it("a constant score gives a flat estimate at that score (AlpacaEval's baseline is 0.5 everywhere)", () => {
    const calibration = fitQualityCalibration({ logits: [-1, 0, 2, 3], scores: [0.5, 0.5, 0.5, 0.5] });
    for (const z of [-5, 0, 5]) expect(expectedQuality(calibration, z)).toBeCloseTo(0.5, 6);
  });

  it("separable 0/1 scores stay finite and ordered (the ridge), and the mean estimate matches the mean score", () => {
    const logits = [-2, -1, 1, 2];
    const scores = [0, 0, 1, 1];
    const calibration = fitQualityCalibration({ logits, scores });
    expect(Number.isFinite(calibration.slope)).toBe(true);
    expect(expectedQuality(calibration, -2)).toBeLessThan(expectedQuality(calibration, 2));
    const mean = logits.reduce((sum, z) => sum + expectedQuality(calibration, z), 0) / 4;
    expect(mean).toBeCloseTo(0.5, 3);
  });

  it("a score range maps grades 1..10 to expected grades", () => {
    const calibration = fitQualityCalibration({ logits: [0, 0, 0, 0], scores: [1, 10, 10, 10], scoreRange: [1, 10] });
    expect(expectedQuality(calibration, 0)).toBeCloseTo(7.75, 4);
  });

  it("mismatched inputs are a typed error", () => {
    expect(() => fitQualityCalibration({ logits: [1, 2], scores: [1] })).toThrow(expect.objectContaining({ code: MODEL_ERROR_CODES.invalidOptions }));
  });
});

describe("fitQualityCalibrationCv (slope penalty chosen by cross-validation)", () => {
  it("keeps the slope when the logit predicts the score, and flattens to the mean when it is noise", () => {
    const logits = Array.from({ length: 60 }, (_, i) => -3 + i * 0.1);
    const informative = fitQualityCalibrationCv({ logits, scores: logits.map((z) => (z > 0 ? 1 : 0)) });
    expect(informative.ridge).toBeLessThanOrEqual(0.01);
    expect(expectedQuality(informative, 2) - expectedQuality(informative, -2)).toBeGreaterThan(0.8);
    // scores unrelated to the logit (a fixed 0/1 pattern with mean 0.5)
    const noise = fitQualityCalibrationCv({ logits, scores: logits.map((_, i) => ((i * 7) % 3 === 0 ? 1 : i % 2)) });
    expect(noise.ridge).toBeGreaterThanOrEqual(1);
    expect(Math.abs(expectedQuality(noise, 3) - expectedQuality(noise, -3))).toBeLessThan(0.15);
  });
});
