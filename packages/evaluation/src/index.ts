export { EVALUATION_ERROR_CODES } from "./errors.ts";
export type { EvaluationErrorCode } from "./errors.ts";
export { assignFolds } from "./assign-folds.ts";
export type { AssignFoldsOptions } from "./assign-folds.ts";
export { averageRouters } from "./average-routers.ts";
export { embedderParts, embedTexts } from "./embed-texts.ts";
export type { EmbeddedTexts, EmbedTextsOptions } from "./embed-texts.ts";
export { routeRows, trainGoldRouter } from "./train-gold-router.ts";
export type { GoldRouter, GoldRouterSettings, RouteRowsOptions, TrainGoldRouterOptions } from "./train-gold-router.ts";
export { apgrOf, crossValidate, summarizeFoldApgr } from "./cross-validate.ts";
export type { CrossValidateOptions, CrossValidation, FoldApgrSummary, FoldReport, TuningOptions } from "./cross-validate.ts";
export { defaultTuningCandidates, TUNING_EPOCHS, TUNING_LEARNING_RATES } from "./tuning-candidates.ts";
export { crossValidateBenchmark, defaultEvaluationDirectory, evaluateBenchmark, evaluateRun, evaluateTransfer } from "./evaluate-benchmark.ts";
export type {
  BenchmarkEvaluation,
  CrossValidateBenchmarkOptions,
  CurveOptions,
  EvaluateBenchmarkOptions,
  EvaluateRunOptions,
  EvaluateTransferOptions,
  GoldEvaluationOptions,
} from "./evaluate-benchmark.ts";
export { loadRunRouter, routeBenchmarkWithRun } from "./route-benchmark.ts";
export type { RouteBenchmarkWithRunOptions } from "./route-benchmark.ts";
export { calibrateRun } from "./calibrate-run.ts";
export type { CalibrateRunOptions, CalibrateRunResult } from "./calibrate-run.ts";
export { readPromptsFile } from "./read-prompts-file.ts";
export { crossValidatePriced, DEFAULT_BUDGET_FRACTIONS, transferPriced } from "./priced-evaluation.ts";
export type { CrossValidatePricedOptions, PricedEvaluationResult, PricedPartReport, SingleModelPoint, TransferPricedOptions } from "./priced-evaluation.ts";
export { estimateRows, pricedRouterBundle, scoreRangeOf, trainPricedRouter } from "./priced-router.ts";
export type { PricedRouterBundleOptions, PricedRouterModel, PricedTrainingSettings, TrainPricedRouterOptions } from "./priced-router.ts";
export { frontierCsv, runPricedEvaluate } from "./run-priced-evaluate.ts";
export type { PricedEvaluatePlan } from "./run-priced-evaluate.ts";
export { servedThresholdFigures } from "./served-thresholds.ts";
export type { ServedThresholdFigures, ServedThresholdFiguresOptions } from "./served-thresholds.ts";
