import { MufflerError } from "@muffler/core";
import { parseRoutingPolicy, type RoutingPolicy } from "@muffler/model";
import { ROUTER_ERROR_CODES } from "./errors.ts";

/** The policy of the automatic model `router-<name>-auto` when the name carries no knob: the best estimated quality. */
export const DEFAULT_AUTO_POLICY: RoutingPolicy = { kind: "max-quality" };

/**
 * Reads an automatic (N-candidate) model name, or returns `undefined` for any other name:
 * `router-mf-auto` (max-quality), `router-mf-auto-lambda-<x>` (tradeoff, quality per USD), `router-mf-auto-cap-<usd>`
 * (max-quality within a cost cap per request), `router-mf-auto-cheapest-<tolerance>` and `router-mf-auto-budget-<usd
 * per 1,000 requests>`. A request field `muffler: { policy }` overrides the knob in the name.
 * @throws MufflerError `router/unknown-model` for `router-mf-auto-<something else>`
 */
export function parseAutoModel(model: string, options: { routerName?: string; policyOverride?: unknown } = {}): RoutingPolicy | undefined {
  const base = `router-${options.routerName ?? "mf"}-auto`;
  if (model !== base && !model.startsWith(`${base}-`)) return undefined;
  if (options.policyOverride !== undefined) return parseRoutingPolicy(options.policyOverride, "muffler.policy");
  if (model === base) return DEFAULT_AUTO_POLICY;
  const match = /^(lambda|cap|cheapest|budget)-(\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/.exec(model.slice(base.length + 1));
  if (match === null) {
    throw new MufflerError(`Unknown automatic model "${model.slice(0, 100)}".`, {
      code: ROUTER_ERROR_CODES.unknownRouterModel,
      field: "model",
      hint: `Use ${base}, ${base}-lambda-<x>, ${base}-cap-<usd>, ${base}-cheapest-<tolerance> or ${base}-budget-<usd per 1k>.`,
    });
  }
  const value = Number(match[2]);
  switch (match[1]) {
    case "lambda":
      return { kind: "tradeoff", lambda: value };
    case "cap":
      return { kind: "max-quality", maxCostUsd: value };
    case "cheapest":
      return { kind: "cheapest", tolerance: value };
    default:
      return { kind: "budget", usdPer1kRequests: value };
  }
}
