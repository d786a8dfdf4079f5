import { z } from "zod";

// The formats the report reads, as docs/interfaces.md defines them. Kept here (not imported from the packages that
// write them) so the report depends on the run directory's contract only and can read any run, old or new. Objects
// are not strict: a writer may add fields the report does not show.

const finite = z.number().finite();
const probability = z.number().min(0).max(1);
const percent = z.number().min(0).max(100);

/** `dataset/manifest.json` (DatasetManifest). */
export const datasetManifestSchema = z.object({
  format: z.literal("muffler-dataset"),
  version: z.literal(1),
  models: z.array(z.string()).min(1),
  strongModel: z.string().optional(),
  weakModel: z.string().optional(),
  rows: z.object({
    train: z.number().int().nonnegative(),
    test: z.number().int().nonnegative(),
    trainBalanced: z.number().int().nonnegative().optional(),
  }),
  labelRatios: z.object({ train: z.record(z.string(), probability), test: z.record(z.string(), probability) }),
  balancedLabelRatios: z.record(z.string(), probability).optional(),
  inputHash: z.string(),
  options: z.record(z.string(), z.unknown()),
  counts: z.record(z.string(), z.number()).optional(),
  createdAt: z.string(),
});
export type DatasetManifest = z.infer<typeof datasetManifestSchema>;

/** `training/history.json` (TrainingHistory). */
export const trainingHistorySchema = z.object({
  epochs: z
    .array(
      z.object({
        epoch: z.number().int().nonnegative(),
        trainLoss: finite,
        validationLoss: finite.optional(),
        validationAccuracy: probability.optional(),
        weightNorm: finite.nonnegative(),
        learningRate: finite.nonnegative(),
        seconds: finite.nonnegative(),
      }),
    )
    .min(1),
  bestEpoch: z.number().int().nonnegative(),
});
export type TrainingHistory = z.infer<typeof trainingHistorySchema>;

/** `router/router.json` (RouterManifest). */
export const routerManifestSchema = z.object({
  format: z.literal("muffler-router"),
  version: z.literal(1),
  models: z.array(z.string()).min(1),
  strongModel: z.string(),
  weakModel: z.string(),
  hidden: z.number().int().positive(),
  dimension: z.number().int().positive(),
  embedder: z.object({ id: z.string(), name: z.string(), dimension: z.number().int().positive() }),
  training: z.record(z.string(), z.unknown()).optional(),
  dataHash: z.string().optional(),
  metrics: z.record(z.string(), z.number()).optional(),
  thresholds: z.array(z.object({ strongPercent: percent, threshold: finite, calibratedOn: z.string() })).optional(),
});
export type RouterManifest = z.infer<typeof routerManifestSchema>;

/** One row of `evaluation/calibration.json` (ThresholdMetrics); positive = "the strong model is needed". */
export const thresholdMetricsSchema = z.object({
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
export type ThresholdMetrics = z.infer<typeof thresholdMetricsSchema>;

/** `evaluation/calibration.json`. */
export const calibrationSchema = z.object({
  split: z.string(),
  rows: z.number().int().nonnegative(),
  thresholds: z.array(thresholdMetricsSchema).min(1),
});
export type Calibration = z.infer<typeof calibrationSchema>;

/** A point of a benchmark's cost/quality curve. The random and oracle routers have no threshold. */
export const curvePointSchema = z.object({
  strongPercent: percent.optional(),
  threshold: finite.nullable().optional(),
  strongCallPercent: percent,
  score: finite,
  pgr: finite,
});
export type CurvePoint = z.infer<typeof curvePointSchema>;

/** APGR, AUC and CPT(20/50/80) of one router; CPT is null when the curve never reaches the share of the gap. */
const summarySchema = z.object({
  apgr: finite,
  auc: finite,
  cpt20: percent.nullable(),
  cpt50: percent.nullable(),
  cpt80: percent.nullable(),
});
export type CurveSummary = z.infer<typeof summarySchema>;

const referenceRouterSchema = summarySchema.extend({ curve: z.array(curvePointSchema).optional() });

/** `evaluation/<benchmark>/metrics.json` (EvaluationResult). */
export const evaluationResultSchema = summarySchema.extend({
  benchmark: z.string(),
  router: z.string(),
  rows: z.number().int().nonnegative(),
  strongScore: finite,
  weakScore: finite,
  curve: z.array(curvePointSchema).min(1),
  random: referenceRouterSchema,
  oracle: referenceRouterSchema,
  /** The figures at the thresholds stored in router.json (what serving realizes), when the run was calibrated. */
  served: z.object({ calibratedOn: z.string(), points: z.array(curvePointSchema) }).optional(),
});
export type EvaluationResult = z.infer<typeof evaluationResultSchema>;

/** `evaluation/<benchmark>/win-rates.json`: one win rate per benchmark prompt. */
export const winRatesSchema = z.array(probability);
