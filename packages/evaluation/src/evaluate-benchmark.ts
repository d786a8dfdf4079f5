import { basename, resolve } from "node:path";
import { MufflerError, type OnProgress } from "@muffler/core";
import { loadBenchmark, type Benchmark } from "@muffler/data";
import { DEFAULT_EMBEDDER, type CreateEmbedderOptions } from "@muffler/embeddings";
import { evaluateRouting, writeEvaluationFiles, type EvaluationPoints, type EvaluationResult } from "@muffler/metrics";
import { crossValidate, type FoldApgrSummary, type FoldReport, type TuningOptions } from "./cross-validate.ts";
import { embedTexts } from "./embed-texts.ts";
import { EVALUATION_ERROR_CODES } from "./errors.ts";
import { loadRunRouter, routeBenchmarkWithRun } from "./route-benchmark.ts";
import { servedThresholdFigures, type ServedThresholdFigures } from "./served-thresholds.ts";
import { routeRows, trainGoldRouter, type GoldRouterSettings } from "./train-gold-router.ts";

/** How the curve of a benchmark is measured (every evaluation function takes these). */
export interface CurveOptions {
  /** Drop the prompts listed in the benchmark's contamination file. @default true */
  contamination?: boolean;
  /** The thresholds of the curve. @default "strong-percent-grid" */
  evaluationPoints?: EvaluationPoints;
  /** Target strong percents of the curve. @default 0, 10, ..., 100 */
  strongPercents?: number[];
}

/** Options shared by {@link crossValidateBenchmark} and {@link evaluateTransfer}. */
export interface GoldEvaluationOptions extends CurveOptions {
  /** The benchmark to evaluate on: a path as `loadBenchmark` takes (MMLU folder, GSM8K CSV, MT-Bench), or a loaded one. */
  benchmark: string | Benchmark;
  /** An embedder name, or several joined by `+` (see {@link embedTexts}). @default "use-lite" */
  embedder?: string;
  /** Passed to `createEmbedder`. @default {} */
  embedderOptions?: CreateEmbedderOptions;
  /** A shared embeddings cache folder. @default undefined (no cache) */
  cacheDirectory?: string;
  /** Seed of the folds and, unless `settings.training.seed` says otherwise, of training. @default 0 */
  seed?: number;
  /** How the gold router is trained. @default {} (gold defaults, train()'s defaults) */
  settings?: GoldRouterSettings;
  /**
   * Where `evaluation/<benchmark>/` (metrics.json, curve.csv, win-rates.json) is written.
   * @default runs/evaluate/<benchmark>-cv<k>-seed<seed>-<embedder> or runs/evaluate/<source>-to-<benchmark>-<embedder>
   */
  outDirectory?: string;
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/** Options of {@link crossValidateBenchmark}. */
export interface CrossValidateBenchmarkOptions extends GoldEvaluationOptions {
  /** Number of folds. @default 5 */
  k?: number;
  /** Nested-CV tuning (see `defaultTuningCandidates`). @default undefined (no tuning) */
  tune?: TuningOptions;
}

/** Options of {@link evaluateTransfer}. */
export interface EvaluateTransferOptions extends GoldEvaluationOptions {
  /** The benchmark whose gold battles (every row) train the router. */
  trainOn: string | Benchmark;
}

/** One evaluated router, with where its files went. */
export interface BenchmarkEvaluation extends EvaluationResult {
  /** The folder holding metrics.json, curve.csv and win-rates.json. */
  directory: string;
  /** Cross-validation only: per-fold figures. */
  folds?: FoldReport[];
  /** Cross-validation only: mean and spread of the per-fold APGR (the headline; `apgr` is the pooled curve's). */
  foldApgr?: FoldApgrSummary;
  /** Gold routers: the embedder id used. */
  embedderId?: string;
  /**
   * Trained runs with calibrated thresholds: the realized strong-call share and quality at the thresholds stored in
   * `router/router.json` (what serving does), beside the in-sample `curve`.
   */
  served?: ServedThresholdFigures;
}

async function resolveBenchmark(benchmark: string | Benchmark, contamination: boolean): Promise<Benchmark> {
  return typeof benchmark === "string" ? await loadBenchmark({ path: benchmark, contamination }) : benchmark;
}

function curveOf(benchmark: Benchmark, options: CurveOptions, router: string, winRates: Float64Array): EvaluationResult {
  return evaluateRouting({
    benchmark: benchmark.name,
    router,
    winRates,
    strongScores: benchmark.strongScores,
    weakScores: benchmark.weakScores,
    evaluationPoints: options.evaluationPoints ?? "strong-percent-grid",
    ...(options.strongPercents !== undefined && { strongPercents: options.strongPercents }),
  });
}

function embedderOf(options: GoldEvaluationOptions): string {
  return options.embedder ?? DEFAULT_EMBEDDER;
}

function embed(options: GoldEvaluationOptions, texts: readonly string[]) {
  return embedTexts({
    embedder: embedderOf(options),
    texts,
    ...(options.embedderOptions !== undefined && { embedderOptions: options.embedderOptions }),
    ...(options.cacheDirectory !== undefined && { cacheDirectory: options.cacheDirectory }),
    ...(options.onProgress !== undefined && { onProgress: options.onProgress }),
    ...(options.signal !== undefined && { signal: options.signal }),
  });
}

function seededSettings(options: GoldEvaluationOptions, settings: GoldRouterSettings = options.settings ?? {}): GoldRouterSettings {
  return { ...settings, training: { seed: options.seed ?? 0, ...settings.training } };
}

/** The default output folder of a gold evaluation, `runs/evaluate/<name>` under the working directory. */
export function defaultEvaluationDirectory(name: string): string {
  return resolve("runs", "evaluate", name.replace(/[^A-Za-z0-9.-]+/g, "-"));
}

/**
 * Gold-label k-fold cross-validation of the MF router on a benchmark (see {@link crossValidate}): embeds the
 * benchmark, cross-validates, measures the pooled curve and the per-fold APGR, and writes `evaluation/<benchmark>/`.
 */
export async function crossValidateBenchmark(options: CrossValidateBenchmarkOptions): Promise<BenchmarkEvaluation> {
  const benchmark = await resolveBenchmark(options.benchmark, options.contamination ?? true);
  const k = options.k ?? 5;
  const seed = options.seed ?? 0;
  const embedder = embedderOf(options);
  const embedded = await embed(options, benchmark.prompts);
  const cv = await crossValidate({
    benchmark,
    embeddings: embedded.data,
    dimension: embedded.dimension,
    k,
    seed,
    settings: seededSettings(options),
    ...(options.tune !== undefined && { tune: { ...options.tune, candidates: options.tune.candidates.map((candidate) => seededSettings(options, candidate)) } }),
    ...(options.onProgress !== undefined && { onProgress: options.onProgress }),
    ...(options.signal !== undefined && { signal: options.signal }),
  });
  const result = curveOf(benchmark, options, `cv${k}(${embedder}${options.tune ? ",tuned" : ""})`, cv.winRates);
  const outDirectory = options.outDirectory ?? defaultEvaluationDirectory(`${benchmark.name}-cv${k}-seed${seed}-${embedder}`);
  const directory = await writeEvaluationFiles({ runDirectory: outDirectory, result, winRates: cv.winRates });
  return { ...result, directory, embedderId: embedded.embedderId, folds: cv.reports, foldApgr: cv.foldApgr };
}

/** Trains the MF router on every gold battle of `trainOn` and evaluates it on `benchmark` (transfer). */
export async function evaluateTransfer(options: EvaluateTransferOptions): Promise<BenchmarkEvaluation> {
  const contamination = options.contamination ?? true;
  const benchmark = await resolveBenchmark(options.benchmark, contamination);
  const source = await resolveBenchmark(options.trainOn, contamination);
  const embedder = embedderOf(options);
  const trainEmbedded = await embed(options, source.prompts);
  const router = await trainGoldRouter({
    benchmark: source,
    embeddings: trainEmbedded.data,
    dimension: trainEmbedded.dimension,
    trainRows: Int32Array.from(source.prompts, (_, row) => row),
    settings: seededSettings(options),
    ...(options.onProgress !== undefined && { onProgress: options.onProgress }),
    ...(options.signal !== undefined && { signal: options.signal }),
  });
  const target = await embed(options, benchmark.prompts);
  // The router's ids follow the SOURCE benchmark's pair; the target's strong model plays the same role.
  const winRates = routeRows({ router, embeddings: target.data, dimension: target.dimension });
  const result = curveOf(benchmark, options, `${source.name}->${benchmark.name}(${embedder})`, winRates);
  const sourceName = typeof options.trainOn === "string" ? basename(resolve(options.trainOn)) : source.name;
  const outDirectory = options.outDirectory ?? defaultEvaluationDirectory(`${sourceName}-to-${benchmark.name}-${embedder}`);
  const directory = await writeEvaluationFiles({ runDirectory: outDirectory, result, winRates });
  return { ...result, directory, embedderId: trainEmbedded.embedderId };
}

/** Options of {@link evaluateRun}. */
export interface EvaluateRunOptions extends CurveOptions {
  /** A trained (and calibrated) run directory. */
  runDirectory: string;
  /** The benchmark: a path as `loadBenchmark` takes, or a loaded one. */
  benchmark: string | Benchmark;
  /** The embeddings cache. @default `<run>/embeddings/cache` */
  cacheDirectory?: string;
  onProgress?: OnProgress;
}

/**
 * Routes every prompt of a benchmark with a run's router (embedded with the router's own embedder) and writes
 * `<run>/evaluation/<benchmark>/`; with calibrated thresholds in the bundle, metrics.json also holds `served`, the
 * figures at those thresholds.
 */
export async function evaluateRun(options: EvaluateRunOptions): Promise<BenchmarkEvaluation> {
  const benchmark = await resolveBenchmark(options.benchmark, options.contamination ?? true);
  const { winRates } = await routeBenchmarkWithRun({
    runDirectory: options.runDirectory,
    benchmark,
    ...(options.cacheDirectory !== undefined && { cacheDirectory: options.cacheDirectory }),
    ...(options.onProgress !== undefined && { onProgress: options.onProgress }),
  });
  const curve = curveOf(benchmark, options, basename(resolve(options.runDirectory)), winRates);
  const stored = (await loadRunRouter(options.runDirectory)).manifest.thresholds ?? [];
  const result =
    stored.length === 0
      ? curve
      : { ...curve, served: servedThresholdFigures({ winRates, strongScores: benchmark.strongScores, weakScores: benchmark.weakScores, thresholds: stored }) };
  const directory = await writeEvaluationFiles({ runDirectory: options.runDirectory, result, winRates });
  return { ...result, directory };
}

/** Options of {@link evaluateBenchmark}: trained runs, and at most one of a cross-validation or a transfer. */
export interface EvaluateBenchmarkOptions extends Omit<GoldEvaluationOptions, "benchmark"> {
  /** The benchmark path (MMLU folder, GSM8K CSV, MT-Bench judgements). */
  benchmark: string;
  /** Trained runs to evaluate. @default [] */
  runs?: string[];
  /** Gold-label k-fold cross-validation with this many folds. @default undefined (none) */
  cv?: number;
  /** Train on this benchmark's gold labels and evaluate on `benchmark`. @default undefined (none) */
  trainOn?: string;
  /** Nested-CV tuning, with `cv` only. @default undefined */
  tune?: TuningOptions;
}

/** Every router on one benchmark: each run's, then the cross-validated or transfer router. One table's worth. */
export async function evaluateBenchmark(options: EvaluateBenchmarkOptions): Promise<{ benchmark: Benchmark; routers: BenchmarkEvaluation[] }> {
  const runs = options.runs ?? [];
  if (runs.length === 0 && options.cv === undefined && options.trainOn === undefined) {
    throw new MufflerError("nothing to evaluate: give a trained run, a number of folds (cv) or a benchmark to train on (trainOn).", {
      code: EVALUATION_ERROR_CODES.badOption,
      field: "runs",
      hint: "For example: muffler evaluate --benchmark ../shared/data/routellm-evals/mmlu --cv 5 --seed 0",
    });
  }
  if (options.cv !== undefined && options.trainOn !== undefined) {
    throw new MufflerError("cv and trainOn exclude each other: cross-validate on the benchmark, or train on another one.", {
      code: EVALUATION_ERROR_CODES.badOption,
      field: "trainOn",
    });
  }
  const benchmark = await loadBenchmark({ path: options.benchmark, contamination: options.contamination ?? true });
  const routers: BenchmarkEvaluation[] = [];
  for (const runDirectory of runs) {
    routers.push(
      await evaluateRun({
        ...options,
        runDirectory,
        benchmark,
      }),
    );
  }
  if (options.cv !== undefined) routers.push(await crossValidateBenchmark({ ...options, benchmark, k: options.cv }));
  else if (options.trainOn !== undefined) routers.push(await evaluateTransfer({ ...options, benchmark, trainOn: options.trainOn }));
  return { benchmark, routers };
}
