import { basename, resolve } from "node:path";
import { MufflerError, type OnProgress } from "@muffler/core";
import { loadBenchmark, type Benchmark } from "@muffler/data";
import { evaluateRouting, writeEvaluationFiles, type EvaluationPoints, type EvaluationResult } from "@muffler/metrics";
import { crossValidate, type FoldReport, type TuningOptions } from "./cross-validate.ts";
import { embedTexts } from "./embed-texts.ts";
import { EVALUATION_ERROR_CODES } from "./errors.ts";
import { routeBenchmarkWithRun } from "./route-benchmark.ts";
import { routeRows, trainGoldRouter, type GoldTrainingSettings } from "./train-and-route.ts";

/** What `muffler evaluate` does, resolved from its flags. */
export interface EvaluatePlan {
  /** The benchmark to route (MMLU folder, GSM8K CSV, MT-Bench judgements). */
  benchmark: string;
  /** Trained runs to evaluate (`--run`, repeatable). */
  runs: string[];
  /** Gold-label k-fold cross-validation on the benchmark itself (`--cv k`). */
  cv?: number;
  /** Train on another benchmark's gold labels, evaluate on `benchmark` (`--train-on`). */
  trainOn?: string;
  /** Seed of the folds and of training. */
  seed: number;
  /** Embedder for --cv / --train-on (`use-lite`, `lexical`, `use-lite+lexical`, ...). */
  embedder: string;
  /** Shared embeddings cache. */
  cacheDirectory?: string;
  /** Where --cv / --train-on results go (`<out>/evaluation/<benchmark>/`). */
  outDirectory?: string;
  settings: GoldTrainingSettings;
  tune?: TuningOptions;
  contamination: boolean;
  evaluationPoints: EvaluationPoints;
  strongPercents?: number[];
  onProgress?: OnProgress;
}

/** One evaluated router, with where its files went. */
export interface EvaluatedRouter extends EvaluationResult {
  /** The folder holding metrics.json, curve.csv and win-rates.json. */
  directory: string;
  /** --cv only: per-fold figures. */
  folds?: FoldReport[];
  /** --cv / --train-on: the embedder id used. */
  embedderId?: string;
}

/** Runs the plan: every `--run`, then the cross-validation or transfer router, all on the same benchmark. */
export async function runEvaluate(plan: EvaluatePlan): Promise<{ benchmark: Benchmark; routers: EvaluatedRouter[] }> {
  if (plan.runs.length === 0 && plan.cv === undefined && plan.trainOn === undefined) {
    throw new MufflerError("nothing to evaluate: give --run <dir> (a trained run), --cv <k>, or --train-on <benchmark>.", {
      code: EVALUATION_ERROR_CODES.badOption,
      field: "--run",
      hint: "For example: muffler evaluate --benchmark ../shared/data/routellm-evals/mmlu --cv 5 --seed 0",
    });
  }
  if (plan.cv !== undefined && plan.trainOn !== undefined) {
    throw new MufflerError("--cv and --train-on exclude each other: cross-validate on the benchmark, or train on another one.", {
      code: EVALUATION_ERROR_CODES.badOption,
      field: "--train-on",
    });
  }
  const benchmark = await loadBenchmark({ path: plan.benchmark, contamination: plan.contamination });
  const evaluate = (router: string, winRates: Float64Array) =>
    evaluateRouting({
      benchmark: benchmark.name,
      router,
      winRates,
      strongScores: benchmark.strongScores,
      weakScores: benchmark.weakScores,
      evaluationPoints: plan.evaluationPoints,
      ...(plan.strongPercents !== undefined && { strongPercents: plan.strongPercents }),
    });
  const routers: EvaluatedRouter[] = [];
  for (const run of plan.runs) {
    const { winRates } = await routeBenchmarkWithRun({
      runDirectory: run,
      benchmark,
      ...(plan.cacheDirectory !== undefined && { cacheDirectory: plan.cacheDirectory }),
      ...(plan.onProgress !== undefined && { onProgress: plan.onProgress }),
    });
    const result = evaluate(basename(resolve(run)), winRates);
    const directory = await writeEvaluationFiles({ runDirectory: run, result, winRates });
    routers.push({ ...result, directory });
  }
  if (plan.cv !== undefined || plan.trainOn !== undefined) {
    routers.push(await goldRouter(plan, benchmark, evaluate));
  }
  return { benchmark, routers };
}

async function goldRouter(
  plan: EvaluatePlan,
  benchmark: Benchmark,
  evaluate: (router: string, winRates: Float64Array) => EvaluationResult,
): Promise<EvaluatedRouter> {
  const settings: GoldTrainingSettings = { ...plan.settings, training: { seed: plan.seed, ...plan.settings.training } };
  const embed = (texts: readonly string[]) =>
    embedTexts({
      embedder: plan.embedder,
      texts,
      ...(plan.cacheDirectory !== undefined && { cacheDirectory: plan.cacheDirectory }),
      ...(plan.onProgress !== undefined && { onProgress: plan.onProgress }),
    });
  let winRates: Float64Array;
  let label: string;
  let folds: FoldReport[] | undefined;
  let embedderId: string;
  if (plan.cv !== undefined) {
    const embedded = await embed(benchmark.prompts);
    embedderId = embedded.embedderId;
    const cv = await crossValidate({
      benchmark,
      embeddings: embedded.data,
      dimension: embedded.dimension,
      k: plan.cv,
      seed: plan.seed,
      settings,
      ...(plan.tune !== undefined && {
        tune: { ...plan.tune, candidates: plan.tune.candidates.map((candidate) => ({ ...candidate, training: { seed: plan.seed, ...candidate.training } })) },
      }),
      ...(plan.onProgress !== undefined && { onProgress: plan.onProgress }),
    });
    winRates = cv.winRates;
    folds = cv.reports;
    label = `cv${plan.cv}(${plan.embedder}${plan.tune ? ",tuned" : ""})`;
  } else {
    const source = await loadBenchmark({ path: plan.trainOn!, contamination: plan.contamination });
    const trainEmbedded = await embed(source.prompts);
    embedderId = trainEmbedded.embedderId;
    const trained = await trainGoldRouter({
      benchmark: source,
      embeddings: trainEmbedded.data,
      dimension: trainEmbedded.dimension,
      trainRows: Int32Array.from(source.prompts, (_, row) => row),
      settings,
      ...(plan.onProgress !== undefined && { onProgress: plan.onProgress }),
    });
    const target = await embed(benchmark.prompts);
    // The router's ids follow the SOURCE benchmark's pair; the target's strong model plays the same role.
    winRates = routeRows({ ...trained, embeddings: target.data, dimension: target.dimension, rows: Int32Array.from(benchmark.prompts, (_, row) => row) });
    label = `${source.name}->${benchmark.name}(${plan.embedder})`;
  }
  const result = evaluate(label, winRates);
  const outDirectory = plan.outDirectory ?? defaultOutDirectory(plan, benchmark);
  const directory = await writeEvaluationFiles({ runDirectory: outDirectory, result, winRates });
  return { ...result, directory, embedderId, ...(folds !== undefined && { folds }) };
}

/** `runs/evaluate/<benchmark>-cv5-use-lite` or `runs/evaluate/<source>-to-<benchmark>-use-lite`. */
function defaultOutDirectory(plan: EvaluatePlan, benchmark: Benchmark): string {
  const embedder = plan.embedder.replace(/[^A-Za-z0-9.-]+/g, "-");
  const name = plan.cv !== undefined ? `${benchmark.name}-cv${plan.cv}-seed${plan.seed}-${embedder}` : `${basename(resolve(plan.trainOn!))}-to-${benchmark.name}-${embedder}`;
  return resolve("runs", "evaluate", name);
}
