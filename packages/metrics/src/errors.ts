/** Stable error codes of @muffler/metrics (the `code` of each MufflerError it throws). */
export const METRICS_ERROR_CODES = {
  /** An input array is empty where at least one value is needed. */
  emptyInput: "metrics/empty-input",
  /** Arrays that must be parallel (one value per prompt) have different lengths. */
  lengthMismatch: "metrics/length-mismatch",
  /** A value is NaN or infinite. */
  notFinite: "metrics/not-finite",
  /** A percent or probability lies outside its range. */
  outOfRange: "metrics/out-of-range",
  /** The strong and the weak model score the same on average, so PGR (a ratio over their gap) is undefined. */
  noQualityGap: "metrics/no-quality-gap",
} as const;

export type MetricsErrorCode = (typeof METRICS_ERROR_CODES)[keyof typeof METRICS_ERROR_CODES];

declare module "@muffler/core" {
  interface MufflerErrorCodes {
    metrics: MetricsErrorCode;
  }
}
