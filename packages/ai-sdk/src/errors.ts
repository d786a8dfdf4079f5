/**
 * Stable error codes of `@muffler/ai-sdk`. All are `kind: "input"`: the options of `routedModel` / `createMuffler`
 * or a call's `providerOptions.muffler` were wrong. Routing errors (a threshold out of range, no calibration, no text
 * to route on) keep the codes of `@muffler/router` (`router/invalid-threshold`, `router/not-calibrated`, ...).
 */
export const AI_SDK_ERROR_CODES = {
  /** An option of `routedModel` / `createMuffler` is missing or has the wrong type (`router`, `models.strong`, ...). */
  invalidOptions: "ai-sdk/invalid-options",
  /** Both `threshold` and `strongPercent` were given (in the options or in one call's `providerOptions.muffler`). */
  conflictingThresholds: "ai-sdk/conflicting-thresholds",
  /** Neither `threshold` nor `strongPercent` was given to `routedModel`. */
  missingThreshold: "ai-sdk/missing-threshold",
  /** A model that does not implement the AI SDK's language model specification v4 (`ai` 7). */
  unsupportedModel: "ai-sdk/unsupported-model",
  /** `providerOptions.muffler` of a call is not `{ threshold?, strongPercent?, turns?, forceModel? }`. */
  invalidCallOptions: "ai-sdk/invalid-call-options",
} as const;

export type AiSdkErrorCode = (typeof AI_SDK_ERROR_CODES)[keyof typeof AI_SDK_ERROR_CODES];

declare module "@muffler/core" {
  interface MufflerErrorCodes {
    aiSdk: AiSdkErrorCode;
  }
}
