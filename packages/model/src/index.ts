export { MODEL_ERROR_CODES } from "./errors.ts";
export type { ModelErrorCode } from "./errors.ts";
export { assertParameterShapes, cloneParameters, initializeParameters } from "./mf-parameters.ts";
export type { InitializeParametersOptions, MFParameters } from "./mf-parameters.ts";
export { MF_TENSOR_NAMES, parametersFromTensors, parametersToTensors, readMFParameters, writeMFParameters } from "./mf-weights.ts";
export type { ParametersFromTensorsOptions } from "./mf-weights.ts";
export { MFRB } from "./mfrb.ts";
export type { MFRBOptions } from "./mfrb.ts";
export { loadRouterBundle, ROUTER_BUNDLE_FILES, saveRouterBundle } from "./router-bundle.ts";
export type { LoadRouterBundleOptions, RouterBundle } from "./router-bundle.ts";
export { manifestThresholds, routerManifestSchema } from "./router-manifest.ts";
export type { EmbedderSpec, ManifestThresholds, RouterManifest, RouterManifestThreshold } from "./router-manifest.ts";
export { candidateSchema, estimateInputTokens, estimateRequestCost, expectedOutputTokensFromCosts, validateCandidates } from "./candidate.ts";
export type { Candidate, ExpectedOutputTokensOptions } from "./candidate.ts";
export { candidatesFromLiteLLM, liteLLMPriceEntrySchema } from "./litellm-prices.ts";
export type { CandidatesFromLiteLLMOptions, LiteLLMCandidateRequest, LiteLLMPriceEntry } from "./litellm-prices.ts";
export { expectedQuality, fitQualityCalibration, fitQualityCalibrationCv } from "./quality-calibration.ts";
export type { FitQualityCalibrationCvOptions, FitQualityCalibrationOptions, QualityCalibration } from "./quality-calibration.ts";
export { choosePolicyCandidate, parseRoutingPolicy, ROUTING_POLICY_KINDS, routingPolicySchema } from "./routing-policy.ts";
export type { CandidateEstimate, PolicyDecision, RoutingPolicy, RoutingPolicyKind } from "./routing-policy.ts";
export { lambdaForBudget } from "./lambda-for-budget.ts";
export type { BudgetLambda, LambdaForBudgetOptions } from "./lambda-for-budget.ts";
export { budgetLambdaSchema, qualityCalibrationSchema, routerCandidateSchema } from "./router-candidate.ts";
export type { CalibratedBudget, RouterCandidate } from "./router-candidate.ts";
export {
  parametersFromRouteLLMTensors,
  readRouteLLMCheckpoint,
  ROUTELLM_DEFAULT_PAIR,
  ROUTELLM_MODEL_IDS,
  ROUTELLM_PUBLISHED_THRESHOLD,
  ROUTELLM_TENSOR_NAMES,
} from "./routellm-checkpoint.ts";
export type { RouteLLMTensorsOptions } from "./routellm-checkpoint.ts";
