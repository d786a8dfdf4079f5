export { METRICS_ERROR_CODES } from "./errors.ts";
export type { MetricsErrorCode } from "./errors.ts";
export type { NumericArray } from "./internal/validate.ts";
export { quantile, quantileOfSorted } from "./quantile.ts";
export { strongPercentGrid } from "./strong-percent-grid.ts";
export type { StrongPercentGridOptions } from "./strong-percent-grid.ts";
export {
  THRESHOLD_COMPARISONS,
  calibrateThresholds,
  goesStrong,
  quantileBinThresholds,
  routeToStrong,
  thresholdForStrongPercent,
} from "./thresholds.ts";
export type { CalibratedThreshold, CalibrateThresholdsOptions, ThresholdComparison } from "./thresholds.ts";
export {
  anchoredCurve,
  areaUnderScoreCurve,
  averagePerformanceGapRecovered,
  callPerformanceThreshold,
  performanceGapRecovered,
  summarizeCurve,
  trapezoid,
} from "./curve-metrics.ts";
export type { CurveSample, CurveSummary } from "./curve-metrics.ts";
export { routingCurve } from "./routing-curve.ts";
export type { BenchmarkScores, CurvePoint } from "./routing-curve.ts";
export { oracleRouter, randomRouter } from "./baseline-routers.ts";
export type { BaselineCurvePoint, BaselineResult } from "./baseline-routers.ts";
export { classificationMetrics, thresholdMetrics } from "./classification-metrics.ts";
export type { ClassificationMetricsOptions, ConfusionMatrix, ThresholdMetrics } from "./classification-metrics.ts";
export { rocAuc } from "./roc-auc.ts";
export { EVALUATION_POINTS, evaluateRouting } from "./evaluate-routing.ts";
export type { EvaluateRoutingOptions, EvaluationPoints, EvaluationResult } from "./evaluate-routing.ts";
export {
  CURVE_CSV_COLUMNS,
  calibrationFilePath,
  curveToCsv,
  writeCalibrationFile,
  writeEvaluationFiles,
} from "./evaluation-files.ts";
export type { CalibrationFile } from "./evaluation-files.ts";
export { arenaScore } from "./arena-score.ts";
export type { ArenaScoreOptions } from "./arena-score.ts";
export {
  areaAboveMixingHull,
  bestArenaPoint,
  lambdaGrid,
  mixingFrontier,
  oracleFrontier,
  paretoFrontier,
  pointOfChoices,
  qualityAtCost,
  withArenaScores,
} from "./cost-quality-frontier.ts";
export type { CostQualityPoint, FrontierPoint, PointOfChoicesOptions, ScoredPoint } from "./cost-quality-frontier.ts";
