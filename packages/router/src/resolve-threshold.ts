import { MufflerError } from "@muffler/core";
import { ROUTER_ERROR_CODES } from "./errors.ts";

/** How strict the router is: a win-rate threshold, or a target share of strong-model calls. */
export type RouteThreshold = { threshold: number; strongPercent?: never } | { strongPercent: number; threshold?: never };

/** A calibrated point, as `router.json` keeps it. */
export interface CalibratedThreshold {
  strongPercent: number;
  threshold: number;
  calibratedOn: string;
}

/**
 * The win-rate threshold for `choice`. A `threshold` must lie in [0, 1]. A `strongPercent` is looked up in the
 * calibrated thresholds: an exact calibrated percent gives its threshold; a percent between two calibrated percents
 * gives the linear interpolation of their thresholds (thresholds are quantiles of the calibration win rates, so they
 * fall as the percent rises); a percent outside the calibrated range is an error (`router/invalid-strong-percent`).
 */
export function resolveThreshold(choice: RouteThreshold, calibrated: readonly CalibratedThreshold[] | undefined): number {
  if (choice.threshold !== undefined && choice.strongPercent !== undefined) {
    throw new MufflerError("Give either threshold or strongPercent, not both.", {
      code: ROUTER_ERROR_CODES.missingThreshold,
      field: "strongPercent",
      hint: "A threshold is a win rate in [0, 1]; strongPercent picks the calibrated threshold that sends that share of prompts to the strong model.",
    });
  }
  if (choice.threshold !== undefined) {
    const threshold = choice.threshold;
    if (typeof threshold !== "number" || !Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
      throw new MufflerError(`threshold must be a number from 0 to 1, got ${String(threshold)}.`, {
        code: ROUTER_ERROR_CODES.invalidThreshold,
        field: "threshold",
        hint: "Route to the strong model when its win rate is at least the threshold: 0 sends everything to it, 1 almost nothing.",
      });
    }
    return threshold;
  }
  const percent = choice.strongPercent;
  if (percent === undefined) {
    throw new MufflerError("Give either threshold or strongPercent.", { code: ROUTER_ERROR_CODES.missingThreshold });
  }
  if (typeof percent !== "number" || !Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new MufflerError(`strongPercent must be a number from 0 to 100, got ${String(percent)}.`, {
      code: ROUTER_ERROR_CODES.invalidStrongPercent,
      field: "strongPercent",
    });
  }
  if (calibrated === undefined || calibrated.length === 0) {
    throw new MufflerError("This router bundle holds no calibrated thresholds, so it cannot route by strong-model percent.", {
      code: ROUTER_ERROR_CODES.notCalibrated,
      field: "strongPercent",
      hint: "Run `muffler calibrate` on the run directory, or route with an explicit threshold (router-mf-<threshold>).",
    });
  }
  const source = calibrated[0]!.calibratedOn;
  const points = calibrated.filter((point) => point.calibratedOn === source).sort((a, b) => a.strongPercent - b.strongPercent);
  const first = points[0]!;
  const last = points[points.length - 1]!;
  if (percent < first.strongPercent || percent > last.strongPercent) {
    throw new MufflerError(
      `strongPercent ${percent} lies outside the calibrated range ${first.strongPercent} to ${last.strongPercent} (calibrated on ${source}).`,
      { code: ROUTER_ERROR_CODES.invalidStrongPercent, field: "strongPercent", hint: `Calibrated percents: ${points.map((point) => point.strongPercent).join(", ")}.` },
    );
  }
  for (let index = 0; index < points.length; index++) {
    const point = points[index]!;
    if (point.strongPercent === percent) return point.threshold;
    const next = points[index + 1];
    if (next !== undefined && percent > point.strongPercent && percent < next.strongPercent) {
      const fraction = (percent - point.strongPercent) / (next.strongPercent - point.strongPercent);
      return point.threshold + fraction * (next.threshold - point.threshold);
    }
  }
  return last.threshold;
}
