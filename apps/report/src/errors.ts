/** The stable error codes of `@muffler/report`. */
export const REPORT_ERROR_CODES = {
  /** No run directory was given. */
  noRuns: "report/no-runs",
  /** A run directory does not exist or is not a directory. */
  runNotFound: "report/run-not-found",
  /** A file of a run exists but is not valid JSON, or does not match its format (the message names the field). */
  malformedFile: "report/malformed-file",
  /** A file of a run exists but could not be read (permissions, I/O). */
  unreadableFile: "report/unreadable-file",
  /** Vega could not render a chart (a bug in the report: please report it). */
  chartFailed: "report/chart-failed",
} as const;

export type ReportErrorCode = (typeof REPORT_ERROR_CODES)[keyof typeof REPORT_ERROR_CODES];

declare module "@muffler/core" {
  interface MufflerErrorCodes {
    report: ReportErrorCode;
  }
}
