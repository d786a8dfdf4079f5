import { describe, expect, it } from "vitest";
import { resolveThreshold } from "./resolve-threshold.ts";

const calibrated = [
  { strongPercent: 80, threshold: 0.2, calibratedOn: "test" },
  { strongPercent: 20, threshold: 0.6, calibratedOn: "test" },
  { strongPercent: 50, threshold: 0.4, calibratedOn: "test" },
  { strongPercent: 50, threshold: 0.9, calibratedOn: "mmlu" },
];

describe("resolveThreshold", () => {
  it("passes a threshold in [0, 1] through and rejects others", () => {
    expect(resolveThreshold({ threshold: 0 }, undefined)).toBe(0);
    expect(resolveThreshold({ threshold: 0.25 }, undefined)).toBe(0.25);
    for (const threshold of [-0.01, 1.01, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => resolveThreshold({ threshold }, undefined)).toThrow(expect.objectContaining({ code: "router/invalid-threshold" }));
    }
  });

  it("gives the calibrated threshold of an exact percent and interpolates between neighbours of the first calibration source", () => {
    expect(resolveThreshold({ strongPercent: 50 }, calibrated)).toBe(0.4);
    expect(resolveThreshold({ strongPercent: 35 }, calibrated)).toBeCloseTo(0.5, 12);
    expect(resolveThreshold({ strongPercent: 65 }, calibrated)).toBeCloseTo(0.3, 12);
    expect(resolveThreshold({ strongPercent: 80 }, calibrated)).toBe(0.2);
  });

  it("refuses a percent outside the calibrated range, out of [0, 100], or without calibration", () => {
    expect(() => resolveThreshold({ strongPercent: 10 }, calibrated)).toThrow(/outside the calibrated range 20 to 80/);
    expect(() => resolveThreshold({ strongPercent: 101 }, calibrated)).toThrow(expect.objectContaining({ code: "router/invalid-strong-percent" }));
    expect(() => resolveThreshold({ strongPercent: 50 }, [])).toThrow(expect.objectContaining({ code: "router/not-calibrated" }));
    expect(() => resolveThreshold({} as never, calibrated)).toThrow(expect.objectContaining({ code: "router/missing-threshold" }));
  });

  it("refuses threshold and strongPercent together, as POST /v1/route does", () => {
    expect(() => resolveThreshold({ threshold: 0.5, strongPercent: 50 } as never, calibrated)).toThrow(
      expect.objectContaining({ code: "router/missing-threshold", message: expect.stringMatching(/not both/) }),
    );
  });
});
