/** The charts a report of `writeSampleRun` shows (`data-chart[:data-benchmark]`), sorted: MMLU and GSM8K evaluations. */
export const SAMPLE_RUN_CHARTS = [
  "benchmark-score:gsm8k",
  "benchmark-score:mmlu",
  "classification",
  "label-ratios",
  "loss",
  "pgr:gsm8k",
  "pgr:mmlu",
  "weight-norm",
  "win-rate-histogram:gsm8k",
  "win-rate-histogram:mmlu",
] as const;
