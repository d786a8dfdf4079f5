/**
 * Stable error codes of `@muffler/router`. `kind: "input"` errors become HTTP 4xx and CLI exit 1;
 * `kind: "internal"` errors become HTTP 5xx and CLI exit 2.
 */
export const ROUTER_ERROR_CODES = {
  /** The router bundle (router.json / router.safetensors) is missing or does not match its embedder. */
  badBundle: "router/bad-bundle",
  /** A threshold outside [0, 1] or not a number. */
  invalidThreshold: "router/invalid-threshold",
  /** A strong-model percent outside [0, 100] or outside the calibrated range. */
  invalidStrongPercent: "router/invalid-strong-percent",
  /** `strongPercent` was asked for but the bundle's manifest holds no calibrated thresholds. */
  notCalibrated: "router/not-calibrated",
  /** Neither (or both) of `threshold` and `strongPercent` were given. */
  missingThreshold: "router/missing-threshold",
  /** The input holds no text to route on (empty prompt, no user message). */
  emptyInput: "router/empty-input",
  /** The text to route on is longer than the configured limit. */
  promptTooLong: "router/prompt-too-long",
  /** A `model` name that is not `router-mf-<threshold>` or `router-mf-strong-<percent>`. */
  unknownRouterModel: "router/unknown-model",
  /** The embedder failed (only thrown when the fail-safe is turned off). */
  embeddingFailed: "router/embedding-failed",
  /** The server configuration (file or environment) is invalid. */
  badServerConfig: "router/bad-server-config",
  /** The router was closed. */
  closed: "router/closed",
} as const;

export type RouterErrorCode = (typeof ROUTER_ERROR_CODES)[keyof typeof ROUTER_ERROR_CODES];
