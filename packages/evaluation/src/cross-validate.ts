import type { OnProgress } from "@muffler/core";
import type { Benchmark } from "@muffler/data";
import { averagePerformanceGapRecovered, calibrateThresholds, routingCurve } from "@muffler/metrics";
import { assignFolds } from "./assign-folds.ts";
import { routeRows, trainGoldRouter, type GoldRouterSettings } from "./train-gold-router.ts";

/** Nested cross-validation: settings chosen inside each outer fold's training part only. */
export interface TuningOptions {
  /** The settings to choose from (see `defaultTuningCandidates`). */
  candidates: GoldRouterSettings[];
  /** Inner folds. @default 3 */
  innerK?: number;
}

/** One outer fold's figures. */
export interface FoldReport {
  fold: number;
  trainRows: number;
  testRows: number;
  /** Training battles (a split tie counts two). */
  battles: number;
  /** APGR of the fold's own held-out prompts (thresholds from its own win rates). */
  apgr: number;
  /** The settings used (the tuned choice when tuning). */
  settings: GoldRouterSettings;
  /** Inner-CV APGR of each candidate, in `candidates` order (tuning only). */
  candidateApgr?: number[];
}

/** Mean and spread of the per-fold APGR: the headline figure of a cross-validation. */
export interface FoldApgrSummary {
  mean: number;
  /** Sample standard deviation (n - 1) over the folds. */
  standardDeviation: number;
  min: number;
  max: number;
  folds: number;
}

/** Options of {@link crossValidate}. */
export interface CrossValidateOptions {
  benchmark: Benchmark;
  /** Embeddings of every benchmark row, row-major. */
  embeddings: Float32Array;
  dimension: number;
  /** Number of folds. @default 5 */
  k?: number;
  /** Seed of the folds. @default 0 */
  seed?: number;
  /** Used as is without `tune`. @default {} */
  settings?: GoldRouterSettings;
  /** Choose the settings per outer fold by an inner cross-validation. @default undefined (no tuning) */
  tune?: TuningOptions;
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/** What {@link crossValidate} measured. */
export interface CrossValidation {
  /** Held-out win rates, one per benchmark row in the benchmark's order (pooled over the folds). */
  winRates: Float64Array;
  /** The fold of each row. */
  folds: Int32Array;
  reports: FoldReport[];
  /** Mean and spread of `reports[].apgr`. */
  foldApgr: FoldApgrSummary;
}

/**
 * k-fold cross-validation on gold labels: folds of distinct prompts, the MF router trained on k-1 folds, the held-out
 * fold routed, and the held-out win rates pooled (one per benchmark row, in the benchmark's order). With `tune`, each
 * outer fold picks its settings by an inner cross-validation over its own training rows; the held-out fold is never
 * seen until it is routed.
 */
export async function crossValidate(options: CrossValidateOptions): Promise<CrossValidation> {
  const { benchmark, embeddings, dimension } = options;
  const k = options.k ?? 5;
  const seed = options.seed ?? 0;
  const folds = assignFolds({ prompts: benchmark.prompts, k, seed });
  const winRates = new Float64Array(benchmark.prompts.length);
  const reports: FoldReport[] = [];
  for (let fold = 0; fold < k; fold++) {
    const trainRows: number[] = [];
    const testRows: number[] = [];
    folds.forEach((value, row) => (value === fold ? testRows : trainRows).push(row));
    let settings = options.settings ?? {};
    let candidateApgr: number[] | undefined;
    if (options.tune !== undefined) {
      candidateApgr = [];
      for (const candidate of options.tune.candidates) {
        candidateApgr.push(await innerApgr({ ...options, rows: trainRows, settings: candidate, k: options.tune.innerK ?? 3, seed: seed + 1000 + fold }));
        options.onProgress?.({ stage: "tune", done: candidateApgr.length, total: options.tune.candidates.length, unit: "candidates", detail: { fold: fold + 1 } });
      }
      settings = options.tune.candidates[candidateApgr.indexOf(Math.max(...candidateApgr))]!;
    }
    const router = await trainGoldRouter({
      benchmark,
      embeddings,
      dimension,
      trainRows,
      settings,
      ...(options.signal !== undefined && { signal: options.signal }),
    });
    const held = routeRows({ router, embeddings, dimension, rows: testRows });
    testRows.forEach((row, i) => (winRates[row] = held[i]!));
    reports.push({
      fold,
      trainRows: trainRows.length,
      testRows: testRows.length,
      battles: router.battles,
      apgr: apgrOf(benchmark, testRows, held),
      settings,
      ...(candidateApgr !== undefined && { candidateApgr }),
    });
    options.onProgress?.({ stage: "cv", done: fold + 1, total: k, unit: "folds", detail: { apgr: reports[fold]!.apgr } });
  }
  return { winRates, folds, reports, foldApgr: summarizeFoldApgr(reports.map((report) => report.apgr)) };
}

/** Mean, sample standard deviation, min and max of per-fold APGR values. */
export function summarizeFoldApgr(values: readonly number[]): FoldApgrSummary {
  const n = values.length;
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  const variance = n > 1 ? values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, standardDeviation: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values), folds: n };
}

/** Pooled APGR of an inner cross-validation over `rows` only. */
async function innerApgr(options: CrossValidateOptions & { rows: number[]; settings: GoldRouterSettings; k: number; seed: number }): Promise<number> {
  const { benchmark, embeddings, dimension, rows } = options;
  const innerFolds = assignFolds({ prompts: rows.map((row) => benchmark.prompts[row]!), k: options.k, seed: options.seed });
  const pooled = new Float64Array(rows.length);
  for (let fold = 0; fold < options.k; fold++) {
    const trainRows = rows.filter((_, i) => innerFolds[i] !== fold);
    const testPositions = rows.map((_, i) => i).filter((i) => innerFolds[i] === fold);
    const router = await trainGoldRouter({ benchmark, embeddings, dimension, trainRows, settings: options.settings });
    const held = routeRows({ router, embeddings, dimension, rows: testPositions.map((i) => rows[i]!) });
    testPositions.forEach((position, i) => (pooled[position] = held[i]!));
  }
  return apgrOf(benchmark, rows, pooled);
}

/** APGR of `winRates` (one per row of `rows`) on those rows, thresholds from the same win rates (default grid). */
export function apgrOf(benchmark: Benchmark, rows: readonly number[], winRates: Float64Array): number {
  const strongScores = Float64Array.from(rows, (row) => benchmark.strongScores[row]!);
  const weakScores = Float64Array.from(rows, (row) => benchmark.weakScores[row]!);
  return averagePerformanceGapRecovered(routingCurve({ winRates, strongScores, weakScores, thresholds: calibrateThresholds({ winRates }) }));
}
