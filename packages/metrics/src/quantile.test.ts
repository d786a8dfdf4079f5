import { describe, expect, it } from "vitest";
import { isMufflerError } from "@muffler/core";
import { quantile } from "./quantile.ts";

// numpy 2.4.6: np.quantile([0.9, 0.1, 0.4, 0.4, 0.75, 0.2, 0.66], q), printed with repr().
const SAMPLE = [0.9, 0.1, 0.4, 0.4, 0.75, 0.2, 0.66];
const NUMPY: [number, number][] = [
  [0, 0.1],
  [0.1, 0.16000000000000003],
  [0.25, 0.30000000000000004],
  [0.3, 0.36],
  [0.5, 0.4],
  [0.7, 0.6779999999999999],
  [0.9, 0.81],
  [1, 0.9],
];

describe("quantile", () => {
  it.each(NUMPY)("matches numpy.quantile bit for bit at q = %s", (probability, expected) => {
    expect(quantile(SAMPLE, probability)).toBe(expected);
  });

  it("interpolates linearly between order statistics (hand-computed)", () => {
    // sorted 1, 2, 4, 8: h = 3 * 0.5 = 1.5 -> 2 + 0.5 * (4 - 2) = 3; h = 3 * 0.9 = 2.7 -> 4 + 0.7 * 4 = 6.8
    expect(quantile([8, 1, 4, 2], 0.5)).toBe(3);
    expect(quantile([8, 1, 4, 2], 0.9)).toBeCloseTo(6.8, 12);
    expect(quantile(Float64Array.of(5), 0.3)).toBe(5);
  });

  it("does not reorder the caller's array", () => {
    const values = [3, 1, 2];
    quantile(values, 0.5);
    expect(values).toEqual([3, 1, 2]);
  });

  it("rejects empty input, NaN values and probabilities outside [0, 1] with stable codes", () => {
    const codeOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return isMufflerError(error) ? error.code : "not a MufflerError";
      }
      return "no error";
    };
    expect(codeOf(() => quantile([], 0.5))).toBe("metrics/empty-input");
    expect(codeOf(() => quantile([1, Number.NaN], 0.5))).toBe("metrics/not-finite");
    expect(codeOf(() => quantile([1, 2], 1.5))).toBe("metrics/out-of-range");
  });
});
