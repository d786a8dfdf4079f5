import { describe, expect, it } from "vitest";
import { MODEL_ERROR_CODES } from "./errors.ts";
import { choosePolicyCandidate, parseRoutingPolicy, type CandidateEstimate } from "./routing-policy.ts";

// Three candidates: big (best, dear), mid, small (cheap, weak).
const estimates: CandidateEstimate[] = [
  { quality: 0.9, costUsd: 0.02 },
  { quality: 0.85, costUsd: 0.002 },
  { quality: 0.5, costUsd: 0.0001 },
];

describe("choosePolicyCandidate", () => {
  it("tradeoff: lambda 0 takes the best; the choice moves to cheaper candidates exactly where quality - lambda x cost crosses", () => {
    expect(choosePolicyCandidate(estimates, { kind: "tradeoff", lambda: 0 }).index).toBe(0);
    // big vs mid: 0.9 - 0.02 l = 0.85 - 0.002 l at l = 0.05 / 0.018 = 2.78; mid vs small: 0.35 / 0.0019 = 184.2
    expect(choosePolicyCandidate(estimates, { kind: "tradeoff", lambda: 2.7 }).index).toBe(0);
    expect(choosePolicyCandidate(estimates, { kind: "tradeoff", lambda: 2.8 }).index).toBe(1);
    expect(choosePolicyCandidate(estimates, { kind: "tradeoff", lambda: 184 }).index).toBe(1);
    expect(choosePolicyCandidate(estimates, { kind: "tradeoff", lambda: 185 }).index).toBe(2);
  });

  it("max-quality: the best within the cap; the cheapest when nothing fits; no cap: the best", () => {
    expect(choosePolicyCandidate(estimates, { kind: "max-quality" }).index).toBe(0);
    expect(choosePolicyCandidate(estimates, { kind: "max-quality", maxCostUsd: 0.01 }).index).toBe(1);
    expect(choosePolicyCandidate(estimates, { kind: "max-quality", maxCostUsd: 0.002 }).index).toBe(1);
    expect(choosePolicyCandidate(estimates, { kind: "max-quality", maxCostUsd: 0.001 }).index).toBe(2);
    const none = choosePolicyCandidate(estimates, { kind: "max-quality", maxCostUsd: 0.00001 });
    expect(none.index).toBe(2);
    expect(none.reason).toContain("no candidate");
  });

  it("cheapest: the cheapest within the tolerance of the best estimate", () => {
    expect(choosePolicyCandidate(estimates, { kind: "cheapest", tolerance: 0 }).index).toBe(0);
    expect(choosePolicyCandidate(estimates, { kind: "cheapest", tolerance: 0.05 }).index).toBe(1);
    expect(choosePolicyCandidate(estimates, { kind: "cheapest", tolerance: 0.4 }).index).toBe(2);
  });

  it("equal value: the cheaper candidate wins", () => {
    const tied = [
      { quality: 0.8, costUsd: 0.01 },
      { quality: 0.8, costUsd: 0.001 },
    ];
    expect(choosePolicyCandidate(tied, { kind: "tradeoff", lambda: 0 }).index).toBe(1);
    expect(choosePolicyCandidate(tied, { kind: "max-quality" }).index).toBe(1);
  });

  it("budget is refused unresolved, and bad policies are typed errors", () => {
    expect(() => choosePolicyCandidate(estimates, { kind: "budget", usdPer1kRequests: 1 })).toThrow(expect.objectContaining({ code: MODEL_ERROR_CODES.badPolicy }));
    expect(() => parseRoutingPolicy({ kind: "tradeoff", lambda: -1 })).toThrow(expect.objectContaining({ code: MODEL_ERROR_CODES.badPolicy }));
    expect(() => parseRoutingPolicy({ kind: "fastest" })).toThrow(expect.objectContaining({ code: MODEL_ERROR_CODES.badPolicy }));
    expect(parseRoutingPolicy({ kind: "cheapest", tolerance: 0.1 })).toEqual({ kind: "cheapest", tolerance: 0.1 });
  });
});
