import { calibrationFileSchema, evaluationResultSchema, runPaths, winRatesFileSchema, writeFileAtomic, writeRunFile } from "@muffler/core";
import type { ThresholdMetrics } from "./classification-metrics.ts";
import type { EvaluationResult } from "./evaluate-routing.ts";
import type { NumericArray } from "./internal/validate.ts";

/** `evaluation/calibration.json`: the thresholds calibrated on a run's test split and their classification figures. */
export interface CalibrationFile {
  /** Which prompts the win rates came from: `test` (the run's test split) or a prompts file's name. */
  split: string;
  /** Number of prompts (battles) the classification figures were measured on. */
  rows: number;
  /** Where the thresholds were calibrated, when not on these prompts (a traffic prompts file). */
  calibratedOn?: string;
  /** ROC AUC of the win rates against "the strong model was needed" on these prompts (NaN, written null, with one class). */
  rocAuc?: number;
  thresholds: ThresholdMetrics[];
}

/** The path of `evaluation/calibration.json` in a run directory. */
export function calibrationFilePath(runDirectory: string): string {
  return runPaths(runDirectory).evaluationFiles.calibration;
}

/** Writes `evaluation/calibration.json` atomically (checked against core's `calibrationFileSchema`) and returns its path. */
export async function writeCalibrationFile(options: { runDirectory: string; calibration: CalibrationFile }): Promise<string> {
  const path = calibrationFilePath(options.runDirectory);
  await writeRunFile({ path, schema: calibrationFileSchema, value: options.calibration });
  return path;
}

/** The columns of `curve.csv`, in order. */
export const CURVE_CSV_COLUMNS = [
  "strongPercent",
  "threshold",
  "strongCallPercent",
  "score",
  "pgr",
  "randomScore",
  "randomPgr",
  "oracleScore",
  "oraclePgr",
] as const;

/** The router's curve beside the random and oracle curves at the same shares of strong calls, as CSV. */
export function curveToCsv(result: EvaluationResult): string {
  const lines = [CURVE_CSV_COLUMNS.join(",")];
  result.curve.forEach((point, index) => {
    const random = result.random.curve[index];
    const oracle = result.oracle.curve[index];
    lines.push(
      [point.strongPercent, point.threshold, point.strongCallPercent, point.score, point.pgr, random?.score, random?.pgr, oracle?.score, oracle?.pgr]
        .map((value) => (value === undefined ? "" : String(value)))
        .join(","),
    );
  });
  return `${lines.join("\n")}\n`;
}

/**
 * Writes `evaluation/<directoryName>/{metrics.json, curve.csv, win-rates.json}` atomically and returns the folder.
 * NaN values (an undefined CPT) are written as `null` in JSON.
 */
export async function writeEvaluationFiles(options: {
  runDirectory: string;
  result: EvaluationResult;
  /** One per benchmark prompt, in the benchmark's order. */
  winRates: NumericArray;
  /**
   * The folder name under `evaluation/`.
   * @default result.benchmark
   */
  directoryName?: string;
}): Promise<string> {
  const files = runPaths(options.runDirectory).evaluationFiles.benchmark(options.directoryName ?? options.result.benchmark);
  await writeRunFile({ path: files.metrics, schema: evaluationResultSchema, value: options.result });
  await writeFileAtomic(files.curve, curveToCsv(options.result));
  await writeRunFile({ path: files.winRates, schema: winRatesFileSchema, value: Array.from(options.winRates), pretty: false });
  return files.root;
}
