import type { OnProgress } from "@muffler/core";
import { goldBattlesFromPricedBenchmark, type PricedBenchmark, type PricedTiePolicy } from "@muffler/data";
import {
  estimateInputTokens,
  estimateRequestCost,
  expectedOutputTokensFromCosts,
  expectedQuality,
  fitQualityCalibration,
  fitQualityCalibrationCv,
  MFRB,
  type Candidate,
  type CandidateEstimate,
  type MFParameters,
  type QualityCalibration,
  type RouterBundle,
} from "@muffler/model";
import { train, type TrainingOptions } from "@muffler/training";
import { assignFolds } from "./assign-folds.ts";

/** How the N-model router is trained and calibrated in the harness. */
export interface PricedTrainingSettings {
  /** Equal scores in gold battles. @default "split" */
  ties?: PricedTiePolicy;
  /** Passed to `train()` (epochs, hidden, learningRate, weightDecay, batchSize, noise, seed). */
  training?: TrainingOptions;
  /** Share of the training prompts held out (grouped by text) to fit the quality calibration. @default 0.2 */
  calibrationShare?: number;
  /**
   * The Platt slope penalty: a number, or `"cv"` to choose it per candidate by 5-fold cross-validation on the
   * calibration rows (fitQualityCalibrationCv). @default "cv"
   */
  calibrationRidge?: number | "cv";
}

/** A trained N-model router for a priced benchmark: MF, one calibration and one priced candidate per model. */
export interface PricedRouterModel {
  parameters: MFParameters;
  /** The candidates, in the benchmark's model order (restricted to `models` when given). */
  candidates: Candidate[];
  /** Per candidate, the logit-to-expected-quality calibration. */
  calibrations: QualityCalibration[];
  /** Per candidate, its id in the MF (index into the sorted model names). */
  modelIds: number[];
  /** Training rows the MF learned from, and the held-out rows the calibration was fitted on. */
  fitRows: number[];
  calibrationRows: number[];
  battles: number;
}

/** Options of {@link trainPricedRouter}. */
export interface TrainPricedRouterOptions {
  benchmark: PricedBenchmark;
  /** Embeddings of every benchmark row, row-major. */
  embeddings: Float32Array;
  dimension: number;
  /** The rows to learn from (a training part). */
  trainRows: readonly number[];
  /** Model names to use as candidates. @default every model of the benchmark */
  models?: readonly string[];
  settings?: PricedTrainingSettings;
  /** Seed of the calibration split and of training. @default 0 */
  seed?: number;
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/**
 * Trains the N-model MF on gold battles of 80 % of `trainRows` and fits, per candidate, Platt scaling of its logit to
 * its real score on the other 20 % (split by prompt text, seeded; decision 0009). Each candidate's expected answer
 * length is learned from the costs of all `trainRows`.
 */
export async function trainPricedRouter(options: TrainPricedRouterOptions): Promise<PricedRouterModel> {
  const { benchmark, embeddings, dimension, trainRows } = options;
  const settings = options.settings ?? {};
  const seed = options.seed ?? 0;
  const names = options.models ?? benchmark.models.map((model) => model.name);
  const columns = names.map((name) => benchmark.models.findIndex((model) => model.name === name));
  const share = settings.calibrationShare ?? 0.2;
  const parts = Math.max(2, Math.round(1 / share));
  const split = assignFolds({ prompts: trainRows.map((row) => benchmark.prompts[row]!), k: parts, seed: seed + 7919 });
  const fitRows = trainRows.filter((_, i) => split[i] !== 0);
  const calibrationRows = trainRows.filter((_, i) => split[i] === 0);
  const gold = goldBattlesFromPricedBenchmark({ benchmark, rows: fitRows, models: names, ...(settings.ties !== undefined && { ties: settings.ties }) });
  const result = await train({
    models: gold.models,
    dimension,
    battles: gold,
    embeddings,
    options: { seed, ...settings.training },
    ...(options.onProgress !== undefined && { onProgress: options.onProgress }),
    ...(options.signal !== undefined && { signal: options.signal }),
  });
  const mf = new MFRB(result.parameters);
  const modelIds = names.map((name) => gold.models.indexOf(name));
  const calibrationLogits = logitsOf(mf, modelIds, embeddings, dimension, calibrationRows);
  const ridge = settings.calibrationRidge ?? "cv";
  const calibrations = columns.map((column, k) => {
    const fit = { logits: calibrationLogits[k]!, scores: calibrationRows.map((row) => benchmark.scores[column]![row]!), scoreRange: scoreRangeOf(benchmark) };
    if (ridge !== "cv") return fitQualityCalibration({ ...fit, ridge });
    const { ridge: _chosen, ...calibration } = fitQualityCalibrationCv(fit);
    return calibration;
  });
  const candidates = columns.map((column) => {
    const model = benchmark.models[column]!;
    return {
      model: model.name,
      inputCostPerToken: model.inputCostPerToken,
      outputCostPerToken: model.outputCostPerToken,
      expectedOutputTokens: expectedOutputTokensFromCosts({ prompts: benchmark.prompts, costs: benchmark.costs[column]!, inputCostPerToken: model.inputCostPerToken, outputCostPerToken: model.outputCostPerToken, rows: trainRows }),
    };
  });
  return { parameters: result.parameters, candidates, calibrations, modelIds, fitRows, calibrationRows, battles: gold.winnerIds.length };
}

/** The score range of a benchmark: [0, 1] when every score lies in it, else [min, max]. */
export function scoreRangeOf(benchmark: PricedBenchmark): [number, number] {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const scores of benchmark.scores) {
    for (const score of scores) {
      low = Math.min(low, score);
      high = Math.max(high, score);
    }
  }
  return low >= 0 && high <= 1 ? [0, 1] : [low, high > low ? high : low + 1];
}

/** Per candidate, the MF logit of each row. */
function logitsOf(mf: MFRB, modelIds: readonly number[], embeddings: Float32Array, dimension: number, rows: readonly number[]): Float64Array[] {
  return modelIds.map((id) => Float64Array.from(rows, (row) => mf.logit(id, embeddings.subarray(row * dimension, (row + 1) * dimension))));
}

/**
 * Each candidate's estimated quality (calibrated logit) and cost (input tokens of the prompt x input price + expected
 * output tokens x output price) for each of `rows`, in `rows` order.
 */
export function estimateRows(options: { model: PricedRouterModel; prompts: readonly string[]; embeddings: Float32Array; dimension: number; rows: readonly number[] }): CandidateEstimate[][] {
  const { model, embeddings, dimension, rows } = options;
  const mf = new MFRB(model.parameters);
  const logits = logitsOf(mf, model.modelIds, embeddings, dimension, rows);
  return rows.map((row, i) => {
    const inputTokens = estimateInputTokens(options.prompts[row]!);
    return model.candidates.map((candidate, k) => ({ quality: expectedQuality(model.calibrations[k]!, logits[k]![i]!), costUsd: estimateRequestCost(candidate, inputTokens) }));
  });
}

/** Options of {@link pricedRouterBundle}. */
export interface PricedRouterBundleOptions {
  model: PricedRouterModel;
  /** The benchmark the model learned from (names the strong = best-quality and weak = cheapest candidate). */
  benchmark: PricedBenchmark;
  /** The embedder the prompts were embedded with (`createEmbedder(name)` rebuilds it). */
  embedder: { id: string; name: string; dimension: number };
  /** Budgets calibrated to lambdas on the calibration rows. @default [] */
  budgets?: { usdPer1kRequests: number; lambda: number }[];
}

/**
 * A servable router bundle of a trained N-model router: the MF weights and a router.json whose `candidates` carry each
 * candidate's prices, expected answer length and calibration. `strongModel` is the candidate with the best mean score
 * on the training rows, `weakModel` the cheapest, so two-model threshold routing still works on the same bundle.
 */
export function pricedRouterBundle(options: PricedRouterBundleOptions): RouterBundle {
  const { model, benchmark } = options;
  const rows = [...model.fitRows, ...model.calibrationRows];
  const meanOf = (name: string, table: Float64Array[]) => {
    const column = benchmark.models.findIndex((entry) => entry.name === name);
    return rows.reduce((sum, row) => sum + table[column]![row]!, 0) / rows.length;
  };
  const names = model.candidates.map((candidate) => candidate.model);
  const strongModel = names.reduce((best, name) => (meanOf(name, benchmark.scores) > meanOf(best, benchmark.scores) ? name : best));
  const weakModel = names.filter((name) => name !== strongModel).reduce((best, name) => (meanOf(name, benchmark.costs) < meanOf(best, benchmark.costs) ? name : best));
  return {
    parameters: model.parameters,
    manifest: {
      format: "muffler-router",
      version: 1,
      models: model.parameters.models,
      strongModel,
      weakModel,
      hidden: model.parameters.hidden,
      dimension: model.parameters.dimension,
      embedder: options.embedder,
      training: { benchmark: benchmark.name, fitRows: model.fitRows.length, calibrationRows: model.calibrationRows.length, battles: model.battles },
      candidates: model.candidates.map((candidate, k) => ({ ...candidate, calibration: model.calibrations[k]! })),
      budgets: (options.budgets ?? []).map((budget) => ({ ...budget, calibratedOn: `${benchmark.name}: ${model.calibrationRows.length} calibration prompts` })),
    },
  };
}
