import { MufflerError } from "@muffler/core";
import { MODEL_ERROR_CODES } from "./errors.ts";
import { choosePolicyCandidate, type CandidateEstimate } from "./routing-policy.ts";

/** Options of {@link lambdaForBudget}. */
export interface LambdaForBudgetOptions {
  /** Per request of the calibration traffic, each candidate's estimate. */
  traffic: readonly (readonly CandidateEstimate[])[];
  /** The target: mean estimated USD per 1,000 requests. */
  usdPer1kRequests: number;
}

/** The calibrated lambda and what it gives on the calibration traffic. */
export interface BudgetLambda {
  /** The smallest tradeoff lambda whose mean estimated cost is within the budget. */
  lambda: number;
  /** Mean estimated USD per 1,000 requests at that lambda on the traffic. */
  usdPer1kRequests: number;
  /** False when even always the cheapest candidate costs more than the budget (lambda is then the cheapest's). */
  reachable: boolean;
}

/**
 * Calibrates a budget (USD per 1,000 requests) to a `tradeoff` lambda on traffic, as strong-percent calibration finds
 * a threshold: the mean estimated cost of the tradeoff choice never rises with lambda, so a bisection on lambda finds
 * the smallest lambda (the best quality) whose mean estimated cost is within the budget.
 * @throws MufflerError `model/bad-policy` on an empty traffic sample or a negative budget
 */
export function lambdaForBudget(options: LambdaForBudgetOptions): BudgetLambda {
  const { traffic } = options;
  const target = options.usdPer1kRequests / 1000;
  if (traffic.length === 0 || !(target >= 0)) {
    throw new MufflerError("budget calibration needs traffic (at least one request's estimates) and a budget >= 0.", { code: MODEL_ERROR_CODES.badPolicy, field: "usdPer1kRequests" });
  }
  const meanCost = (lambda: number) => {
    let sum = 0;
    for (const estimates of traffic) sum += estimates[choosePolicyCandidate(estimates, { kind: "tradeoff", lambda }).index]!.costUsd;
    return sum / traffic.length;
  };
  const tolerance = 1e-12;
  const at0 = meanCost(0);
  if (at0 <= target + tolerance) return { lambda: 0, usdPer1kRequests: at0 * 1000, reachable: true };
  let high = 1;
  while (meanCost(high) > target + tolerance && high < 1e15) high *= 4;
  const atHigh = meanCost(high);
  if (atHigh > target + tolerance) return { lambda: high, usdPer1kRequests: atHigh * 1000, reachable: false };
  let low = 0;
  for (let step = 0; step < 100 && high - low > 1e-9 * high; step++) {
    const middle = (low + high) / 2;
    if (meanCost(middle) <= target + tolerance) high = middle;
    else low = middle;
  }
  return { lambda: high, usdPer1kRequests: meanCost(high) * 1000, reachable: true };
}
