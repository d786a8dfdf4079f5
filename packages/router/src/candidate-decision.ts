import { MufflerError } from "@muffler/core";
import {
  choosePolicyCandidate,
  estimateInputTokens,
  estimateRequestCost,
  expectedQuality,
  type CalibratedBudget,
  type CandidateEstimate,
  type MFRB,
  type RouterCandidate,
  type RoutingPolicy,
} from "@muffler/model";
import { ROUTER_ERROR_CODES } from "./errors.ts";
import type { RouteTurns } from "./route-input.ts";

/** Options of an N-candidate `route()` call. */
export interface PolicyRouteOptions {
  /** How estimated quality and cost become a choice (`tradeoff`, `max-quality`, `cheapest`, `budget`). */
  policy: RoutingPolicy;
  /** Which turns count, overriding the router's setting. @default the router's `turns` */
  turns?: RouteTurns;
}

/** One candidate's estimate for the routed request. */
export interface CandidateEstimateReport extends CandidateEstimate {
  model: string;
}

/** An N-candidate routing decision. */
export interface PolicyRouteDecision {
  /** The model to call. */
  model: string;
  /** The policy applied (a budget resolved to its calibrated tradeoff lambda is reported as that tradeoff). */
  policy: RoutingPolicy;
  /** Each candidate's estimated quality and cost (USD) for this request; empty on the fail-safe. */
  candidates: CandidateEstimateReport[];
  /** Why this model, in words. */
  reason: string;
  /** Set when the embedder failed and the fail-safe chose the strong model. */
  failSafe?: "embedding-failed";
}

/** Each candidate's estimate for a prompt: calibrated logit and input tokens x price + expected output x price. */
export function estimateCandidates(options: { model: MFRB; candidates: readonly RouterCandidate[]; vector: Float32Array; text: string }): CandidateEstimateReport[] {
  const inputTokens = estimateInputTokens(options.text);
  return options.candidates.map((candidate) => ({
    model: candidate.model,
    quality: expectedQuality(candidate.calibration, options.model.logit(options.model.modelId(candidate.model), options.vector)),
    costUsd: estimateRequestCost(candidate, inputTokens),
  }));
}

/**
 * Resolves a `budget` policy to the tradeoff lambda calibrated for the largest calibrated budget not above it (so the
 * spend stays within the budget); other policies are returned as they are.
 * @throws MufflerError `router/not-calibrated` when no calibrated budget is at or below the asked one
 */
export function resolvePolicy(policy: RoutingPolicy, budgets: readonly CalibratedBudget[]): RoutingPolicy {
  if (policy.kind !== "budget") return policy;
  const fitting = budgets.filter((budget) => budget.usdPer1kRequests <= policy.usdPer1kRequests).sort((a, b) => b.usdPer1kRequests - a.usdPer1kRequests)[0];
  if (fitting === undefined) {
    throw new MufflerError(`no budget at or below $${policy.usdPer1kRequests} per 1,000 requests is calibrated (calibrated: ${budgets.map((budget) => `$${budget.usdPer1kRequests}`).join(", ") || "none"}).`, {
      code: ROUTER_ERROR_CODES.notCalibrated,
      field: "policy.usdPer1kRequests",
      hint: "Calibrate the budget on traffic (Router.calibrateBudget) or use a tradeoff lambda.",
    });
  }
  return { kind: "tradeoff", lambda: fitting.lambda };
}

/** Applies a resolved policy to the estimates. */
export function decideCandidate(estimates: CandidateEstimateReport[], policy: RoutingPolicy, asked: RoutingPolicy): PolicyRouteDecision {
  const decision = choosePolicyCandidate(estimates, policy);
  const reason = asked.kind === "budget" ? `budget $${asked.usdPer1kRequests} per 1k requests -> ${decision.reason}` : decision.reason;
  return { model: estimates[decision.index]!.model, policy, candidates: estimates, reason };
}
