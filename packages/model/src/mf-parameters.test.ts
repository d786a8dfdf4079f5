import { describe, expect, it } from "vitest";
import { MODEL_ERROR_CODES } from "./errors.ts";
import { initializeParameters } from "./mf-parameters.ts";

describe("initializeParameters", () => {
  it("gives the same parameters for the same seed and different ones for another seed", () => {
    const a = initializeParameters({ models: ["a", "b"], dimension: 16, seed: 7 });
    const b = initializeParameters({ models: ["a", "b"], dimension: 16, seed: 7 });
    const c = initializeParameters({ models: ["a", "b"], dimension: 16, seed: 8 });
    expect(a).toEqual(b);
    expect(a.W).not.toEqual(c.W);
    expect(a.hidden).toBe(128);
    expect([a.P.length, a.W.length, a.c.length]).toEqual([2 * 128, 128 * 16, 128]);
  });

  it("draws like PyTorch's defaults: P ~ N(0,1), W ~ U(+-1/sqrt(D)), c ~ U(+-1/sqrt(H))", () => {
    const { P, W, c } = initializeParameters({ models: Array.from({ length: 40 }, (_, i) => `m${i}`), hidden: 64, dimension: 400, seed: 1 });
    const mean = P.reduce((sum, x) => sum + x, 0) / P.length;
    const variance = P.reduce((sum, x) => sum + (x - mean) ** 2, 0) / P.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(variance - 1)).toBeLessThan(0.06);
    const boundW = 1 / Math.sqrt(400);
    expect(Math.max(...W)).toBeLessThanOrEqual(boundW);
    expect(Math.min(...W)).toBeGreaterThanOrEqual(-boundW);
    expect(Math.max(...W)).toBeGreaterThan(0.95 * boundW);
    const boundC = 1 / 8;
    expect(Math.max(...c.map(Math.abs))).toBeLessThanOrEqual(boundC);
    expect(Math.max(...c.map(Math.abs))).toBeGreaterThan(0.8 * boundC);
  });

  it("rejects no models and non-positive sizes", () => {
    expect(() => initializeParameters({ models: [], dimension: 4 })).toThrow(expect.objectContaining({ code: MODEL_ERROR_CODES.invalidOptions }));
    expect(() => initializeParameters({ models: ["a"], dimension: 0 })).toThrow(expect.objectContaining({ code: MODEL_ERROR_CODES.invalidOptions }));
    expect(() => initializeParameters({ models: ["a"], dimension: 4, hidden: 1.5 })).toThrow(/hidden/);
  });
});
