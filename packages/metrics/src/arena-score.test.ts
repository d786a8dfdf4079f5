import { describe, expect, it } from "vitest";
import { arenaScore } from "./arena-score.ts";
import { METRICS_ERROR_CODES } from "./errors.ts";

describe("arenaScore (RouterArena)", () => {
  it("matches the formula by hand: c = $22.841 per 1k, A = 0.8896 (gpt-4-1106-preview on arena-bench-priced)", () => {
    const c = (Math.log2(200) - Math.log2(22.841)) / (Math.log2(200) - Math.log2(0.0044));
    expect(c).toBeCloseTo(0.20232, 4);
    expect(arenaScore({ costPer1kUsd: 22.841, quality: 0.8896 })).toBeCloseTo((1.1 * 0.8896 * c) / (0.1 * 0.8896 + c), 12);
    expect(arenaScore({ costPer1kUsd: 22.841, quality: 0.8896 })).toBeCloseTo(0.6797, 3);
  });

  it("the cheapest end gives C = 1, so S = 1.1 A / (0.1 A + 1); the dearest gives 0", () => {
    expect(arenaScore({ costPer1kUsd: 0.0044, quality: 1 })).toBeCloseTo(1, 12);
    expect(arenaScore({ costPer1kUsd: 0.0044, quality: 0.5 })).toBeCloseTo(0.55 / 1.05, 12);
    expect(arenaScore({ costPer1kUsd: 200, quality: 0.9 })).toBeCloseTo(0, 12);
  });

  it("a cost of 0 is out of range (log of 0)", () => {
    expect(() => arenaScore({ costPer1kUsd: 0, quality: 1 })).toThrow(expect.objectContaining({ code: METRICS_ERROR_CODES.outOfRange }));
  });
});
