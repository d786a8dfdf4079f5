import {
  calibrationFileSchema,
  type frontierFileSchema,
  datasetManifestSchema,
  evaluationResultSchema,
  routerManifestSchema,
  trainingHistorySchema,
  winRatesFileSchema,
  type curvePointSchema,
  type curveSummarySchema,
  type thresholdMetricsSchema,
} from "@muffler/core";
import type { z } from "zod";

// The formats the report reads: the run-directory contract of @muffler/core (docs/decisions/0012), the same schemas
// every writer checks its files against, so the report reads exactly what the stages write. Objects are loose: a
// writer may add fields the report does not show.

export { calibrationFileSchema as calibrationSchema, datasetManifestSchema, evaluationResultSchema, routerManifestSchema, trainingHistorySchema, winRatesFileSchema as winRatesSchema };

export type DatasetManifest = z.infer<typeof datasetManifestSchema>;
export type TrainingHistory = z.infer<typeof trainingHistorySchema>;
export type RouterManifest = z.infer<typeof routerManifestSchema>;
export type ThresholdMetrics = z.infer<typeof thresholdMetricsSchema>;
export type Calibration = z.infer<typeof calibrationFileSchema>;
export type CurvePoint = z.infer<typeof curvePointSchema>;
export type CurveSummary = z.infer<typeof curveSummarySchema>;
export type EvaluationResult = z.infer<typeof evaluationResultSchema>;

/** `evaluation/<benchmark>/frontier.json` (the N-model priced evaluation), from the run-directory contract. */
export { frontierFileSchema } from "@muffler/core";
export type FrontierFile = z.infer<typeof frontierFileSchema>;
