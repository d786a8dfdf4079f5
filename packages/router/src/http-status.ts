import type { ErrorKind, MufflerErrorCode } from "@muffler/core";
import { ROUTER_ERROR_CODES } from "./errors.ts";

/**
 * The one table from error code to HTTP status. A code that is not here answers by its kind: `input` 400,
 * `internal` 500. Adding a status for a code (from any package) is one line.
 */
export const HTTP_STATUS_BY_CODE: { readonly [Code in MufflerErrorCode]?: number } = {
  [ROUTER_ERROR_CODES.unknownRouterModel]: 404,
  [ROUTER_ERROR_CODES.notFound]: 404,
  [ROUTER_ERROR_CODES.invalidApiKey]: 401,
  [ROUTER_ERROR_CODES.requestTooLarge]: 413,
  [ROUTER_ERROR_CODES.unsupportedMediaType]: 415,
  [ROUTER_ERROR_CODES.closed]: 503,
  [ROUTER_ERROR_CODES.shuttingDown]: 503,
  [ROUTER_ERROR_CODES.upstreamsNotConfigured]: 503,
  [ROUTER_ERROR_CODES.upstreamTimeout]: 504,
  [ROUTER_ERROR_CODES.upstreamUnavailable]: 502,
  [ROUTER_ERROR_CODES.upstreamMalformedResponse]: 502,
  [ROUTER_ERROR_CODES.upstreamError]: 502,
  [ROUTER_ERROR_CODES.upstreamStreamInterrupted]: 502,
  [ROUTER_ERROR_CODES.malformedHttpRequest]: 400,
  [ROUTER_ERROR_CODES.requestTimeout]: 408,
  [ROUTER_ERROR_CODES.requestHeaderTooLarge]: 431,
  [ROUTER_ERROR_CODES.overloaded]: 503,
  // Muffler's configuration of the upstream is wrong (its key, its URL): a gateway fault, never the client's 401/404.
  [ROUTER_ERROR_CODES.upstreamAuthFailed]: 502,
  [ROUTER_ERROR_CODES.upstreamNotFound]: 502,
  [ROUTER_ERROR_CODES.upstreamOverloaded]: 503,
  // The upstream's own 4xx status is relayed (a 429 stays a 429 so that clients back off); 400 when it is missing.
  [ROUTER_ERROR_CODES.upstreamRejected]: 400,
};

/** The status by kind for a code the table does not name. */
export const HTTP_STATUS_BY_KIND: { readonly [Kind in ErrorKind]: number } = { input: 400, internal: 500 };

/** The HTTP status of an error with this code and kind (see `HTTP_STATUS_BY_CODE`). */
export function httpStatusFor(error: { code: string; kind: ErrorKind }): number {
  return (HTTP_STATUS_BY_CODE as Readonly<Record<string, number | undefined>>)[error.code] ?? HTTP_STATUS_BY_KIND[error.kind];
}
