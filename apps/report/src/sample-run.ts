import { SeededRandom, runPaths, writeRunFile } from "@muffler/core";
import {
  calibrationSchema,
  datasetManifestSchema,
  evaluationResultSchema,
  routerManifestSchema,
  trainingHistorySchema,
  winRatesSchema,
  type Calibration,
  type CurvePoint,
  type DatasetManifest,
  type EvaluationResult,
  type RouterManifest,
  type ThresholdMetrics,
  type TrainingHistory,
} from "./internal/schemas.ts";

/** A benchmark of the sample run: its folder name and the two models' accuracy on it. */
export interface SampleBenchmark {
  /** Folder name under `evaluation/` and the benchmark's name. */
  name: string;
  /** Number of prompts (one win rate each). */
  prompts: number;
  /** The strong model's accuracy (fraction correct), about. */
  strongAccuracy: number;
  /** The weak model's accuracy, about. */
  weakAccuracy: number;
}

export interface WriteSampleRunOptions {
  /** The run directory to write (created when missing). */
  runDirectory: string;
  /** Seed of every random draw: the same seed writes the same files. @default 1 */
  seed?: number;
  /** Training epochs in `training/history.json`. @default 10 */
  epochs?: number;
  /** How well the router's win rates predict where the strong model is needed, 0 (random) to 1. @default 0.6 */
  routerQuality?: number;
  /** Strong percents calibrated in `evaluation/calibration.json`. @default [0, 10, ..., 100] */
  strongPercents?: number[];
  /** The benchmarks evaluated. @default MMLU (2,000 prompts) and GSM8K (1,300 prompts) */
  benchmarks?: SampleBenchmark[];
  /** Timestamp written as `createdAt`. @default "2026-01-01T00:00:00.000Z" */
  createdAt?: string;
}

const STRONG_MODEL = "gpt-4-1106-preview";
const WEAK_MODEL = "mistralai/Mixtral-8x7B-Instruct-v0.1";

/** The default benchmarks of {@link writeSampleRun}. */
export const SAMPLE_BENCHMARKS: readonly SampleBenchmark[] = [
  { name: "mmlu", prompts: 2000, strongAccuracy: 0.8, weakAccuracy: 0.68 },
  { name: "gsm8k", prompts: 1300, strongAccuracy: 0.85, weakAccuracy: 0.6 },
];

/**
 * Writes a realistic, synthetic run directory with every file the report reads (a two-model run: dataset manifest,
 * training history, router manifest, calibration and benchmark evaluations). For demos, examples and tests of the
 * report; the figures are drawn from a seeded simulation, not from a trained router.
 */
export async function writeSampleRun(options: WriteSampleRunOptions): Promise<void> {
  const random = new SeededRandom(options.seed ?? 1);
  const quality = options.routerQuality ?? 0.6;
  const createdAt = options.createdAt ?? "2026-01-01T00:00:00.000Z";
  const paths = runPaths(options.runDirectory);
  const models = [STRONG_MODEL, WEAK_MODEL].sort();

  const trainRows = 18_000;
  const testRows = 950;
  const strongWinShare = 0.58 + 0.04 * random.next();
  const manifest: DatasetManifest = {
    format: "muffler-dataset",
    version: 1,
    models,
    strongModel: STRONG_MODEL,
    weakModel: WEAK_MODEL,
    rows: { train: trainRows, test: testRows, trainBalanced: trainRows },
    labelRatios: {
      train: { model_a: strongWinShare, model_b: 1 - strongWinShare },
      test: { model_a: strongWinShare + 0.01, model_b: 1 - strongWinShare - 0.01 },
    },
    balancedLabelRatios: { model_a: 0.5, model_b: 0.5 },
    inputHash: "0".repeat(64),
    options: { input: "synthetic", tiePolicy: "drop", split: 0.95, seed: options.seed ?? 1, balance: true },
    createdAt,
  };
  await writeRunFile({ path: paths.dataset.manifest, schema: datasetManifestSchema, value: manifest });

  const epochs = options.epochs ?? 10;
  const history: TrainingHistory = { epochs: [], bestEpoch: 0 };
  let bestLoss = Number.POSITIVE_INFINITY;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const progress = 1 - Math.exp(-epoch / 3);
    const validationLoss = 0.69 - 0.05 * quality * progress + 0.0012 * Math.max(0, epoch - 6) ** 2 + 0.002 * random.normal();
    const row = {
      epoch,
      trainLoss: 0.69 - 0.09 * quality * progress - 0.004 * epoch + 0.002 * random.normal(),
      validationLoss,
      validationAccuracy: 0.5 + 0.12 * quality * progress + 0.004 * random.normal(),
      weightNorm: 11.3 + (1 + quality) * progress + 0.05 * epoch + 0.01 * random.normal(),
      learningRate: 3e-4,
      seconds: 13 + random.next(),
    };
    history.epochs.push(row);
    if (validationLoss < bestLoss) {
      bestLoss = validationLoss;
      history.bestEpoch = epoch;
    }
  }
  await writeRunFile({ path: paths.training.history, schema: trainingHistorySchema, value: history });

  const strongPercents = options.strongPercents ?? Array.from({ length: 11 }, (_, index) => index * 10);
  const calibration = simulateCalibration({ random, quality, rows: testRows, strongPercents });
  await writeRunFile({ path: paths.evaluationFiles.calibration, schema: calibrationSchema, value: calibration });

  const router: RouterManifest = {
    format: "muffler-router",
    version: 1,
    models,
    strongModel: STRONG_MODEL,
    weakModel: WEAK_MODEL,
    hidden: 128,
    dimension: 512,
    embedder: { id: "use-lite@1", name: "use-lite", dimension: 512 },
    training: { epochs, batchSize: 64, learningRate: 3e-4, weightDecay: 1e-5 },
    dataHash: "0".repeat(64),
    thresholds: calibration.thresholds.map((row) => ({ strongPercent: row.strongPercent, threshold: row.threshold, calibratedOn: "test" })),
  };
  await writeRunFile({ path: paths.router.manifest, schema: routerManifestSchema, value: router });

  for (const benchmark of options.benchmarks ?? SAMPLE_BENCHMARKS) {
    const { result, winRates } = simulateBenchmark({ random, quality, benchmark });
    const files = paths.evaluationFiles.benchmark(benchmark.name);
    await writeRunFile({ path: files.metrics, schema: evaluationResultSchema, value: result });
    await writeRunFile({ path: files.winRates, schema: winRatesSchema, value: winRates });
  }
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** The win rate at which `percent` % of `sorted` (ascending) lies at or above. */
function thresholdFor(sorted: number[], strongPercent: number): number {
  const position = (1 - strongPercent / 100) * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

function simulateCalibration(options: { random: SeededRandom; quality: number; rows: number; strongPercents: number[] }): Calibration {
  const { random, quality, rows } = options;
  const labels: boolean[] = [];
  const winRates: number[] = [];
  for (let row = 0; row < rows; row++) {
    const need = random.normal();
    labels.push(random.next() < sigmoid(1.5 * need + 0.3));
    winRates.push(sigmoid(0.35 * (quality * need + (1 - quality) * random.normal()) + 0.1));
  }
  const sorted = [...winRates].sort((a, b) => a - b);
  const thresholds = options.strongPercents.map((strongPercent): ThresholdMetrics => {
    const threshold = thresholdFor(sorted, strongPercent);
    const confusion = { truePositive: 0, falsePositive: 0, trueNegative: 0, falseNegative: 0 };
    winRates.forEach((winRate, index) => {
      const predicted = winRate >= threshold;
      if (predicted && labels[index]) confusion.truePositive++;
      else if (predicted) confusion.falsePositive++;
      else if (labels[index]) confusion.falseNegative++;
      else confusion.trueNegative++;
    });
    const { truePositive: tp, falsePositive: fp, trueNegative: tn, falseNegative: fn } = confusion;
    const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
    const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
    const precisionStrong = ratio(tp, tp + fp);
    const recallStrong = ratio(tp, tp + fn);
    const precisionWeak = ratio(tn, tn + fn);
    const recallWeak = ratio(tn, tn + fp);
    return {
      strongPercent,
      threshold,
      strongCallPercent: (100 * (tp + fp)) / rows,
      accuracy: (tp + tn) / rows,
      precisionStrong,
      recallStrong,
      f1Strong: f1(precisionStrong, recallStrong),
      precisionWeak,
      recallWeak,
      f1Weak: f1(precisionWeak, recallWeak),
      confusion,
    };
  });
  return { split: "test", rows, thresholds };
}

function simulateBenchmark(options: { random: SeededRandom; quality: number; benchmark: SampleBenchmark }): { result: EvaluationResult; winRates: number[] } {
  const { random, quality, benchmark } = options;
  const strong: number[] = [];
  const weak: number[] = [];
  const winRates: number[] = [];
  const logit = (p: number) => Math.log(p / (1 - p));
  for (let index = 0; index < benchmark.prompts; index++) {
    const difficulty = random.normal();
    strong.push(random.next() < sigmoid(logit(benchmark.strongAccuracy) * 1.3 - 0.9 * difficulty) ? 1 : 0);
    weak.push(random.next() < sigmoid(logit(benchmark.weakAccuracy) * 1.3 - 1.6 * difficulty) ? 1 : 0);
    winRates.push(sigmoid(0.4 * (quality * difficulty + (1 - quality) * random.normal()) + 0.05));
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const strongScore = mean(strong);
  const weakScore = mean(weak);
  const pgrOf = (score: number) => (score - weakScore) / (strongScore - weakScore);
  const sorted = [...winRates].sort((a, b) => a - b);

  // The router: strong when the win rate reaches the threshold of each strong percent.
  const curve: CurvePoint[] = [];
  for (let strongPercent = 0; strongPercent <= 100; strongPercent += 10) {
    const threshold = thresholdFor(sorted, strongPercent);
    let strongCalls = 0;
    let total = 0;
    winRates.forEach((winRate, index) => {
      const useStrong = winRate >= threshold;
      if (useStrong) strongCalls++;
      total += useStrong ? strong[index]! : weak[index]!;
    });
    const score = total / winRates.length;
    curve.push({ strongPercent, threshold, strongCallPercent: (100 * strongCalls) / winRates.length, score, pgr: pgrOf(score) });
  }

  // Reference routers: a random order, and the oracle order (strong first where only the strong model is right).
  const routeInOrder = (order: number[]): CurvePoint[] =>
    Array.from({ length: 11 }, (_, step) => {
      const count = Math.round((step / 10) * order.length);
      const chosen = new Set(order.slice(0, count));
      let total = 0;
      for (let index = 0; index < order.length; index++) total += chosen.has(index) ? strong[index]! : weak[index]!;
      const score = total / order.length;
      return { strongPercent: step * 10, threshold: null, strongCallPercent: (100 * count) / order.length, score, pgr: pgrOf(score) };
    });
  const randomOrder = Array.from(random.permutation(benchmark.prompts));
  const oracleOrder = Array.from({ length: benchmark.prompts }, (_, index) => index).sort(
    (a, b) => strong[b]! - weak[b]! - (strong[a]! - weak[a]!),
  );
  const randomCurve = routeInOrder(randomOrder);
  const oracleCurve = routeInOrder(oracleOrder);
  const result: EvaluationResult = {
    benchmark: benchmark.name,
    router: "mf",
    rows: benchmark.prompts,
    strongScore,
    weakScore,
    ...summarize(curve, strongScore, weakScore),
    curve,
    random: { ...summarize(randomCurve, strongScore, weakScore), curve: randomCurve },
    oracle: { ...summarize(oracleCurve, strongScore, weakScore), curve: oracleCurve },
  };
  return { result, winRates };
}

/** APGR (trapezoid over the strong-call fraction), AUC and CPT(20/50/80), as @muffler/metrics defines them. */
function summarize(curve: CurvePoint[], strongScore: number, weakScore: number) {
  const points = [...curve].sort((a, b) => a.strongCallPercent - b.strongCallPercent);
  if (points[0]!.strongCallPercent > 0) points.unshift({ strongCallPercent: 0, score: weakScore, pgr: 0 });
  if (points[points.length - 1]!.strongCallPercent < 100) points.push({ strongCallPercent: 100, score: strongScore, pgr: 1 });
  let apgr = 0;
  for (let index = 1; index < points.length; index++) {
    const previous = points[index - 1]!;
    const point = points[index]!;
    apgr += ((point.strongCallPercent - previous.strongCallPercent) / 100) * ((point.pgr + previous.pgr) / 2);
  }
  const cpt = (gapPercent: number): number | null => {
    const target = gapPercent / 100;
    for (let index = 0; index < points.length; index++) {
      const point = points[index]!;
      if (point.pgr < target) continue;
      if (index === 0) return point.strongCallPercent;
      const previous = points[index - 1]!;
      return previous.strongCallPercent + ((target - previous.pgr) / (point.pgr - previous.pgr)) * (point.strongCallPercent - previous.strongCallPercent);
    }
    return null;
  };
  return { apgr, auc: weakScore + apgr * (strongScore - weakScore), cpt20: cpt(20), cpt50: cpt(50), cpt80: cpt(80) };
}
