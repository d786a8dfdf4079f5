export { buildReport } from "./build-report.ts";
export type { BuildReportOptions, BuildReportResult } from "./build-report.ts";
export { REPORT_ERROR_CODES } from "./errors.ts";
export type { ReportErrorCode } from "./errors.ts";
export { SAMPLE_BENCHMARKS, writeSampleRun } from "./sample-run.ts";
export type { SampleBenchmark, WriteSampleRunOptions } from "./sample-run.ts";
