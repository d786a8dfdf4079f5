import { MufflerError } from "@muffler/core";
import { ROUTER_ERROR_CODES } from "./errors.ts";
import type { RouteThreshold } from "./resolve-threshold.ts";

export interface ParseRouterModelOptions {
  /** The router's name in model names. @default "mf" */
  routerName?: string;
}

/**
 * Reads the OpenAI `model` field: `router-mf-<threshold>` (RouteLLM's naming, threshold in [0, 1]) or
 * `router-mf-strong-<percent>` (a calibrated share of strong-model calls, 0 to 100).
 * Throws `router/unknown-model` for other names and `router/invalid-threshold` / `router/invalid-strong-percent`
 * for numbers out of range.
 */
export function parseRouterModel(model: string, options: ParseRouterModelOptions = {}): RouteThreshold {
  const prefix = `router-${options.routerName ?? "mf"}-`;
  if (!model.startsWith(prefix)) {
    throw new MufflerError(`Unknown model "${model.slice(0, 100)}": this server routes with ${prefix}<threshold> or ${prefix}strong-<percent>.`, {
      code: ROUTER_ERROR_CODES.unknownRouterModel,
      field: "model",
      hint: `For example ${prefix}0.116 or ${prefix}strong-30; GET /v1/models lists the calibrated ones.`,
    });
  }
  const rest = model.slice(prefix.length);
  const isPercent = rest.startsWith("strong-");
  const numberText = isPercent ? rest.slice("strong-".length) : rest;
  const value = /^\d+(\.\d+)?$/.test(numberText) ? Number(numberText) : Number.NaN;
  if (isPercent) {
    if (!(value >= 0 && value <= 100)) {
      throw new MufflerError(`"${model.slice(0, 100)}" names a strong-model percent that is not a number from 0 to 100.`, {
        code: ROUTER_ERROR_CODES.invalidStrongPercent,
        field: "model",
      });
    }
    return { strongPercent: value };
  }
  if (!(value >= 0 && value <= 1)) {
    throw new MufflerError(`"${model.slice(0, 100)}" names a threshold that is not a number from 0 to 1.`, {
      code: ROUTER_ERROR_CODES.invalidThreshold,
      field: "model",
      hint: `For example ${prefix}0.116.`,
    });
  }
  return { threshold: value };
}
