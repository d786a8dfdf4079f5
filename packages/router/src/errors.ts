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
  /** `strongPercent` was asked for but every calibrated threshold was calibrated for other weights (retrained since). */
  staleThresholds: "router/stale-thresholds",
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

  // The HTTP surface of `createServer` (every code on it has this `router/<kebab-case>` form; `http-status.ts` maps
  // each to its status).
  /** A request body that is not a JSON object, or fails the endpoint's schema (`param` names the field). */
  invalidRequest: "router/invalid-request",
  /** A request body that is not valid JSON, or empty. */
  invalidJson: "router/invalid-json",
  /** A request body over `bodyLimitBytes`. */
  requestTooLarge: "router/request-too-large",
  /** A request body that is not `application/json`. */
  unsupportedMediaType: "router/unsupported-media-type",
  /** A Content-Length header that does not match the body. */
  invalidContentLength: "router/invalid-content-length",
  /** No endpoint at that path and method. */
  notFound: "router/not-found",
  /** A missing or wrong bearer key. */
  invalidApiKey: "router/invalid-api-key",
  /** The server is draining for shutdown; retry elsewhere. */
  shuttingDown: "router/shutting-down",
  /** Chat completions asked of a server started without upstreams. */
  upstreamsNotConfigured: "router/upstreams-not-configured",
  /** The upstream did not answer within `upstreamTimeoutMs` (or its stream stalled that long). */
  upstreamTimeout: "router/upstream-timeout",
  /** The upstream could not be reached (connection refused, DNS, reset). */
  upstreamUnavailable: "router/upstream-unavailable",
  /** The upstream answered with a body that is not the JSON it should be. */
  upstreamMalformedResponse: "router/upstream-malformed-response",
  /** The upstream answered HTTP 5xx. */
  upstreamError: "router/upstream-error",
  /** The upstream answered HTTP 4xx (its status is relayed, its own code is quoted in the message). */
  upstreamRejected: "router/upstream-rejected",
  /** A stream the upstream cut, or ended without its `[DONE]` event. */
  upstreamStreamInterrupted: "router/upstream-stream-interrupted",
  /** Not valid HTTP/1.1 (`Content-Length: abc`, Content-Length with chunked, a bad URL), answered below the routes. */
  malformedHttpRequest: "router/malformed-http-request",
  /** The client did not send its headers, or its whole body, within `requestTimeoutMs`. */
  requestTimeout: "router/request-timeout",
  /** Request headers over Node's limit (16 KiB). */
  requestHeaderTooLarge: "router/request-header-too-large",
  /** The routing queue is full (`maxQueuedRequests`): retry after the `Retry-After` seconds. */
  overloaded: "router/overloaded",
  /** The upstream refused Muffler's own key (HTTP 401/403): fix that upstream's apiKey in the serve configuration. */
  upstreamAuthFailed: "router/upstream-auth-failed",
  /** The upstream answered 404: fix that upstream's baseUrl or model in the serve configuration. */
  upstreamNotFound: "router/upstream-not-found",
  /** The upstream answered 503 (its Retry-After is relayed). */
  upstreamOverloaded: "router/upstream-overloaded",
  /** Something that is not a MufflerError was thrown while serving: a bug (HTTP 500, details only in the log). */
  internal: "router/internal",
} as const;

export type RouterErrorCode = (typeof ROUTER_ERROR_CODES)[keyof typeof ROUTER_ERROR_CODES];

declare module "@muffler/core" {
  interface MufflerErrorCodes {
    router: RouterErrorCode;
  }
}
