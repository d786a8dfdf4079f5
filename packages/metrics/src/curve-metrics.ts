import { MufflerError } from "@muffler/core";
import { METRICS_ERROR_CODES } from "./errors.ts";

/** A point of a cost/quality curve: a share of strong calls and the performance gap recovered there. */
export interface CurveSample {
  /** Share of calls sent to the strong model, 0 to 100 (measured, not the target). */
  strongCallPercent: number;
  /** Performance gap recovered, `(score - weakScore) / (strongScore - weakScore)`. */
  pgr: number;
}

/** The summary figures of one router's curve. */
export interface CurveSummary {
  /** Average performance gap recovered: the area under PGR over the strong-call fraction 0..1. */
  apgr: number;
  /** Area under the score curve over the strong-call fraction 0..1, in the benchmark's score unit. */
  auc: number;
  /** Call-performance threshold: the smallest % of strong calls that recovers 20 % of the gap (see {@link callPerformanceThreshold}). */
  cpt20: number;
  /** The same for 50 % of the gap. */
  cpt50: number;
  /** The same for 80 % of the gap. */
  cpt80: number;
}

/**
 * Performance gap recovered: `(score - weakScore) / (strongScore - weakScore)`; 0 at the weak model's score, 1 at
 * the strong model's. Throws `metrics/no-quality-gap` when both models score the same.
 */
export function performanceGapRecovered(options: { score: number; strongScore: number; weakScore: number }): number {
  const gap = options.strongScore - options.weakScore;
  if (Math.abs(gap) < 1e-12) {
    throw new MufflerError(
      `the strong and the weak model both score ${options.strongScore} on this benchmark, so the performance gap recovered is undefined.`,
      { code: METRICS_ERROR_CODES.noQualityGap, hint: "Evaluate on a benchmark where the two models differ." },
    );
  }
  return (options.score - options.weakScore) / gap;
}

/**
 * The curve as integrated: sorted by strong-call percent, duplicates of one percent merged (the same share of strong
 * calls comes from the same routed set, so they carry the same value; the first is kept), and the two endpoints every
 * router can reach added when missing: 0 % (threshold above every win rate: all weak, PGR 0) and 100 % (threshold at or
 * below every win rate: all strong, PGR 1).
 */
export function anchoredCurve(samples: readonly CurveSample[]): CurveSample[] {
  const sorted = [...samples].sort((a, b) => a.strongCallPercent - b.strongCallPercent);
  const result: CurveSample[] = [];
  if (sorted.length === 0 || sorted[0]!.strongCallPercent > 0) result.push({ strongCallPercent: 0, pgr: 0 });
  for (const sample of sorted) {
    const last = result[result.length - 1];
    if (last !== undefined && Math.abs(last.strongCallPercent - sample.strongCallPercent) < 1e-12) continue;
    result.push({ strongCallPercent: sample.strongCallPercent, pgr: sample.pgr });
  }
  if (result[result.length - 1]!.strongCallPercent < 100) result.push({ strongCallPercent: 100, pgr: 1 });
  return result;
}

/**
 * Average performance gap recovered (APGR): the trapezoid-rule area under PGR over the strong-call FRACTION (0..1),
 * as RouteLLM computes it, over {@link anchoredCurve} (the measured points plus the 0 % and 100 % endpoints).
 * A random router scores 0.5 in expectation; a router that always picks the better model scores more than 1 when
 * the weak model is sometimes right where the strong one is wrong.
 */
export function averagePerformanceGapRecovered(samples: readonly CurveSample[]): number {
  return trapezoid(anchoredCurve(samples).map((sample) => [sample.strongCallPercent / 100, sample.pgr] as const));
}

/**
 * Area under the score curve over the strong-call fraction (0..1): `weakScore + apgr * (strongScore - weakScore)`,
 * the mean score a router gives when its share of strong calls is spread uniformly over 0..100 %.
 */
export function areaUnderScoreCurve(options: { samples: readonly CurveSample[]; strongScore: number; weakScore: number }): number {
  return options.weakScore + averagePerformanceGapRecovered(options.samples) * (options.strongScore - options.weakScore);
}

/**
 * Call-performance threshold CPT(`gapPercent`): the smallest share of strong calls (percent) at which the curve reaches
 * `gapPercent` % of the performance gap.
 *
 * The rule, correct on curves that are not monotone (unlike the seed's `np.interp`, which assumes an increasing
 * curve): take {@link anchoredCurve} (measured points sorted by strong-call percent, plus 0 % and 100 %), join
 * consecutive points by straight lines, walk from 0 % upwards and return the strong-call percent where the curve FIRST
 * reaches the target (`pgr >= gapPercent / 100`), interpolating linearly inside the segment that crosses it. Later dips
 * below the target do not matter. The 100 % endpoint has PGR 1, so every target up to 100 % is reached.
 */
export function callPerformanceThreshold(options: { samples: readonly CurveSample[]; gapPercent: number }): number {
  const target = options.gapPercent / 100;
  const curve = anchoredCurve(options.samples);
  for (let i = 0; i < curve.length; i++) {
    const point = curve[i]!;
    if (point.pgr >= target) {
      if (i === 0) return point.strongCallPercent;
      const previous = curve[i - 1]!;
      const share = (target - previous.pgr) / (point.pgr - previous.pgr);
      return previous.strongCallPercent + share * (point.strongCallPercent - previous.strongCallPercent);
    }
  }
  return Number.NaN; // only for targets above 100 %, which the anchored curve may never reach
}

/** APGR, AUC and CPT(20/50/80) of a curve. */
export function summarizeCurve(options: { samples: readonly CurveSample[]; strongScore: number; weakScore: number }): CurveSummary {
  const apgr = averagePerformanceGapRecovered(options.samples);
  return {
    apgr,
    auc: options.weakScore + apgr * (options.strongScore - options.weakScore),
    cpt20: callPerformanceThreshold({ samples: options.samples, gapPercent: 20 }),
    cpt50: callPerformanceThreshold({ samples: options.samples, gapPercent: 50 }),
    cpt80: callPerformanceThreshold({ samples: options.samples, gapPercent: 80 }),
  };
}

/** Trapezoid rule over (x, y) points sorted by x. */
export function trapezoid(points: readonly (readonly [number, number])[]): number {
  let area = 0;
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1]!;
    const [x1, y1] = points[i]!;
    area += ((x1 - x0) * (y0 + y1)) / 2;
  }
  return area;
}
