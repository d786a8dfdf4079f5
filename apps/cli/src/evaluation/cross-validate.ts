import type { OnProgress } from "@muffler/core";
import type { Benchmark } from "@muffler/data";
import { averagePerformanceGapRecovered, routingCurve, calibrateThresholds } from "@muffler/metrics";
import { assignFolds } from "./folds.ts";
import { routeRows, trainGoldRouter, type GoldTrainingSettings } from "./train-and-route.ts";

/** Nested cross-validation: settings chosen inside the training folds only. */
export interface TuningOptions {
  /** The settings to choose from (each a full `GoldTrainingSettings`). */
  candidates: GoldTrainingSettings[];
  /** Inner folds. @default 3 */
  innerK?: number;
}

/** One outer fold's figures. */
export interface FoldReport {
  fold: number;
  trainRows: number;
  testRows: number;
  battles: number;
  /** APGR of the fold's own held-out prompts (thresholds from its own win rates). */
  apgr: number;
  /** The settings used (the tuned choice when tuning). */
  settings: GoldTrainingSettings;
  /** Inner-CV APGR of each candidate, in `candidates` order (tuning only). */
  candidateApgr?: number[];
}

/** Options of {@link crossValidate}. */
export interface CrossValidateOptions {
  benchmark: Benchmark;
  /** Embeddings of every benchmark row, row-major. */
  embeddings: Float32Array;
  dimension: number;
  /** @default 5 */
  k?: number;
  /** Seed of the folds. @default 0 */
  seed?: number;
  /** Used as is without `tune`. @default {} */
  settings?: GoldTrainingSettings;
  tune?: TuningOptions;
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/**
 * k-fold cross-validation on gold labels: folds of distinct prompts, the MF router trained on k-1 folds, the held-out
 * fold routed, and the held-out win rates pooled (one per benchmark row, in the benchmark's order). With `tune`, each
 * outer fold picks its settings by an inner cross-validation over its own training rows; the held-out fold is never
 * seen until it is routed.
 */
export async function crossValidate(options: CrossValidateOptions): Promise<{ winRates: Float64Array; folds: Int32Array; reports: FoldReport[] }> {
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
    const trained = await trainGoldRouter({
      benchmark,
      embeddings,
      dimension,
      trainRows,
      settings,
      ...(options.signal !== undefined && { signal: options.signal }),
    });
    const held = routeRows({ ...trained, embeddings, dimension, rows: testRows });
    testRows.forEach((row, i) => (winRates[row] = held[i]!));
    reports.push({
      fold,
      trainRows: trainRows.length,
      testRows: testRows.length,
      battles: trained.battles,
      apgr: apgrOf(benchmark, testRows, held),
      settings,
      ...(candidateApgr !== undefined && { candidateApgr }),
    });
    options.onProgress?.({ stage: "cv", done: fold + 1, total: k, unit: "folds", detail: { apgr: reports[fold]!.apgr } });
  }
  return { winRates, folds, reports };
}

/** Pooled APGR of an inner cross-validation over `rows` only. */
async function innerApgr(options: CrossValidateOptions & { rows: number[]; settings: GoldTrainingSettings; k: number; seed: number }): Promise<number> {
  const { benchmark, embeddings, dimension, rows } = options;
  const innerFolds = assignFolds({ prompts: rows.map((row) => benchmark.prompts[row]!), k: options.k, seed: options.seed });
  const pooled = new Float64Array(rows.length);
  for (let fold = 0; fold < options.k; fold++) {
    const trainRows = rows.filter((_, i) => innerFolds[i] !== fold);
    const testPositions = rows.map((_, i) => i).filter((i) => innerFolds[i] === fold);
    const trained = await trainGoldRouter({ benchmark, embeddings, dimension, trainRows, settings: options.settings });
    const held = routeRows({ ...trained, embeddings, dimension, rows: testPositions.map((i) => rows[i]!) });
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
