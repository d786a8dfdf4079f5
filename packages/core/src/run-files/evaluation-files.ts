import { z } from "zod";

const finite = z.number().finite();
const probability = z.number().min(0).max(1);
const percent = z.number().min(0).max(100);

/** One row of `evaluation/calibration.json`: classification figures of a threshold; positive = "the strong model is needed". */
export const thresholdMetricsSchema = z.looseObject({
  strongPercent: percent,
  threshold: finite,
  strongCallPercent: percent,
  accuracy: probability,
  precisionStrong: probability,
  recallStrong: probability,
  f1Strong: probability,
  precisionWeak: probability,
  recallWeak: probability,
  f1Weak: probability,
  confusion: z.object({
    truePositive: z.number().int().nonnegative(),
    falsePositive: z.number().int().nonnegative(),
    trueNegative: z.number().int().nonnegative(),
    falseNegative: z.number().int().nonnegative(),
  }),
});

/**
 * `evaluation/calibration.json`. `thresholds` is empty when the test split holds no battle between the strong and the
 * weak model (nothing to measure the classification on); `rocAuc` is null when it is undefined (one class).
 */
export const calibrationFileSchema = z.looseObject({
  /** Which prompts the classification figures come from (`test`). */
  split: z.string(),
  /** Battles the figures were measured on. */
  rows: z.number().int().nonnegative(),
  /** Where the thresholds were calibrated, when not on these prompts. */
  calibratedOn: z.string().optional(),
  rocAuc: finite.nullable().optional(),
  thresholds: z.array(thresholdMetricsSchema),
});
export type CalibrationFileContents = z.infer<typeof calibrationFileSchema>;

/** A point of a benchmark's cost/quality curve. The random and oracle routers have no threshold. */
export const curvePointSchema = z.looseObject({
  strongPercent: percent.optional(),
  threshold: finite.nullable().optional(),
  strongCallPercent: percent,
  score: finite,
  pgr: finite,
});

/** APGR, AUC and CPT(20/50/80) of one router; CPT is null when the curve never reaches the share of the gap. */
export const curveSummarySchema = z.looseObject({
  apgr: finite,
  auc: finite,
  cpt20: percent.nullable(),
  cpt50: percent.nullable(),
  cpt80: percent.nullable(),
});

const referenceRouterSchema = curveSummarySchema.extend({ curve: z.array(curvePointSchema).optional() });

/** `evaluation/<benchmark>/metrics.json`. */
export const evaluationResultSchema = curveSummarySchema.extend({
  benchmark: z.string(),
  router: z.string(),
  rows: z.number().int().nonnegative(),
  strongScore: finite,
  weakScore: finite,
  curve: z.array(curvePointSchema).min(1),
  random: referenceRouterSchema,
  oracle: referenceRouterSchema,
  /** The figures at the thresholds stored in router.json (what serving realizes), when the run was calibrated. */
  served: z.looseObject({ calibratedOn: z.string(), points: z.array(curvePointSchema) }).optional(),
});
export type EvaluationResultContents = z.infer<typeof evaluationResultSchema>;

/** `evaluation/<benchmark>/win-rates.json`: one win rate per benchmark prompt. */
export const winRatesFileSchema = z.array(probability);
