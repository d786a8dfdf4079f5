import { MufflerError } from "@muffler/core";
import { z } from "zod";
import { MODEL_ERROR_CODES } from "./errors.ts";

/** The policies that turn estimated quality and cost into a choice. */
export const ROUTING_POLICY_KINDS = ["tradeoff", "max-quality", "cheapest", "budget"] as const;
export type RoutingPolicyKind = (typeof ROUTING_POLICY_KINDS)[number];

/**
 * A request-level routing policy among N candidates.
 * - `tradeoff`: maximize quality - lambda x cost (lambda: quality units per USD; 0 = best quality regardless of cost).
 * - `max-quality`: the highest estimated quality whose estimated cost is at most `maxCostUsd` (the cheapest candidate
 *   when none fits; no cap: the best).
 * - `cheapest`: the cheapest candidate whose estimated quality is within `tolerance` of the best candidate's.
 * - `budget`: a target USD per 1,000 requests, turned into a `tradeoff` lambda calibrated on traffic
 *   ({@link lambdaForBudget}); a router resolves it before deciding.
 */
export type RoutingPolicy =
  | { kind: "tradeoff"; lambda: number }
  | { kind: "max-quality"; maxCostUsd?: number }
  | { kind: "cheapest"; tolerance: number }
  | { kind: "budget"; usdPer1kRequests: number };

const nonNegative = z.number().finite().nonnegative();
/** zod schema of a {@link RoutingPolicy} (request bodies, config). */
export const routingPolicySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("tradeoff"), lambda: nonNegative }),
  z.object({ kind: z.literal("max-quality"), maxCostUsd: nonNegative.optional() }),
  z.object({ kind: z.literal("cheapest"), tolerance: nonNegative }),
  z.object({ kind: z.literal("budget"), usdPer1kRequests: nonNegative }),
]);

/** Parses a policy from untrusted input. @throws MufflerError `model/bad-policy` */
export function parseRoutingPolicy(value: unknown, field = "policy"): RoutingPolicy {
  const parsed = routingPolicySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MufflerError(`invalid routing policy: ${issue.message} at "${[field, ...issue.path].join(".")}".`, {
      code: MODEL_ERROR_CODES.badPolicy,
      field: [field, ...issue.path].join("."),
      hint: 'Use { "kind": "tradeoff", "lambda": 50 }, { "kind": "max-quality", "maxCostUsd": 0.01 }, { "kind": "cheapest", "tolerance": 0.02 } or { "kind": "budget", "usdPer1kRequests": 2 }.',
    });
  }
  return parsed.data as RoutingPolicy;
}

/** One candidate's estimate for one request. */
export interface CandidateEstimate {
  /** Expected quality score. */
  quality: number;
  /** Expected USD of the request. */
  costUsd: number;
}

/** What {@link choosePolicyCandidate} decided. */
export interface PolicyDecision {
  /** Index into the estimates. */
  index: number;
  /** Why, in words (names the policy and its figures). */
  reason: string;
}

/**
 * Applies a resolved policy (not `budget`: resolve it to a lambda first) to one request's estimates. Ties go to the
 * cheaper candidate, then the earlier one.
 * @throws MufflerError `model/bad-policy` for `budget` or an empty list
 */
export function choosePolicyCandidate(estimates: readonly CandidateEstimate[], policy: RoutingPolicy): PolicyDecision {
  if (estimates.length === 0) throw new MufflerError("no candidate to choose from.", { code: MODEL_ERROR_CODES.badPolicy, field: "candidates" });
  const better = (i: number, best: number, value: (k: number) => number) =>
    value(i) > value(best) || (value(i) === value(best) && estimates[i]!.costUsd < estimates[best]!.costUsd);
  const argmax = (value: (k: number) => number, allowed: (k: number) => boolean = () => true): number => {
    let best = -1;
    for (let i = 0; i < estimates.length; i++) if (allowed(i) && (best < 0 || better(i, best, value))) best = i;
    return best;
  };
  const quality = (k: number) => estimates[k]!.quality;
  const cheapness = (k: number) => -estimates[k]!.costUsd;
  switch (policy.kind) {
    case "tradeoff": {
      const index = argmax((k) => estimates[k]!.quality - policy.lambda * estimates[k]!.costUsd);
      return { index, reason: `tradeoff: highest quality - ${policy.lambda} x cost` };
    }
    case "max-quality": {
      const cap = policy.maxCostUsd ?? Number.POSITIVE_INFINITY;
      const index = argmax(quality, (k) => estimates[k]!.costUsd <= cap);
      if (index >= 0) return { index, reason: Number.isFinite(cap) ? `max-quality: best estimated quality at cost <= $${cap}` : "max-quality: best estimated quality" };
      return { index: argmax(cheapness), reason: `max-quality: no candidate costs <= $${cap}; the cheapest` };
    }
    case "cheapest": {
      const best = estimates[argmax(quality)]!.quality;
      const index = argmax(cheapness, (k) => estimates[k]!.quality >= best - policy.tolerance);
      return { index, reason: `cheapest: lowest cost within ${policy.tolerance} of the best estimated quality (${round(best)})` };
    }
    case "budget":
      throw new MufflerError("a budget policy must be resolved to a tradeoff lambda first (lambdaForBudget).", { code: MODEL_ERROR_CODES.badPolicy, field: "policy.kind" });
  }
}

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
