import { describe, expect, it } from "vitest";
import { lambdaForBudget } from "./lambda-for-budget.ts";
import { choosePolicyCandidate } from "./routing-policy.ts";

// Two requests, two candidates each: dear (q 0.9, $0.01) and cheap (q 0.6 / 0.8, $0.001).
// Request 1 switches to cheap at lambda = 0.3 / 0.009 = 33.3; request 2 at 0.1 / 0.009 = 11.1.
const traffic = [
  [
    { quality: 0.9, costUsd: 0.01 },
    { quality: 0.6, costUsd: 0.001 },
  ],
  [
    { quality: 0.9, costUsd: 0.01 },
    { quality: 0.8, costUsd: 0.001 },
  ],
];

describe("lambdaForBudget", () => {
  it("a budget the best choice fits in gives lambda 0", () => {
    expect(lambdaForBudget({ traffic, usdPer1kRequests: 10 })).toEqual({ lambda: 0, usdPer1kRequests: 10, reachable: true });
  });

  it("a budget between the steps gives the smallest lambda that meets it (request 2 goes cheap: $5.5 per 1k)", () => {
    const result = lambdaForBudget({ traffic, usdPer1kRequests: 6 });
    expect(result.lambda).toBeCloseTo(0.1 / 0.009, 5);
    expect(result.usdPer1kRequests).toBeCloseTo(5.5, 9);
    expect(result.reachable).toBe(true);
    const mean = traffic.reduce((sum, request) => sum + request[choosePolicyCandidate(request, { kind: "tradeoff", lambda: result.lambda }).index]!.costUsd, 0) / 2;
    expect(mean * 1000).toBeLessThanOrEqual(6);
  });

  it("a budget below always-cheapest is reported unreachable, at the cheapest's cost", () => {
    const result = lambdaForBudget({ traffic, usdPer1kRequests: 0.5 });
    expect(result.reachable).toBe(false);
    expect(result.usdPer1kRequests).toBeCloseTo(1, 9);
  });
});
