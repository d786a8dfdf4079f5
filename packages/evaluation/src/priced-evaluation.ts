import { MufflerError, type OnProgress } from "@muffler/core";
import type { PricedBenchmark } from "@muffler/data";
import {
  areaAboveMixingHull,
  arenaScore,
  bestArenaPoint,
  lambdaGrid,
  mixingFrontier,
  oracleFrontier,
  pointOfChoices,
  qualityAtCost,
  withArenaScores,
  type CostQualityPoint,
  type FrontierPoint,
  type ScoredPoint,
} from "@muffler/metrics";
import { choosePolicyCandidate, lambdaForBudget, type CandidateEstimate } from "@muffler/model";
import { EVALUATION_ERROR_CODES } from "./errors.ts";
import { assignFolds } from "./assign-folds.ts";
import { estimateRows, trainPricedRouter, type PricedRouterModel, type PricedTrainingSettings } from "./priced-router.ts";

/** Budgets reported by default: these fractions of the best-quality model's cost per query (known from training). */
export const DEFAULT_BUDGET_FRACTIONS = [0.1, 0.25, 0.5] as const;

/** A single model's figures on the evaluated rows. */
export interface SingleModelPoint extends CostQualityPoint {
  model: string;
  arenaScore: number;
}

/** What one training part decided without seeing its held-out rows. */
interface PartDecisions {
  /** The lambda with the best RouterArena score on the calibration rows (real outcomes of the estimated choices). */
  selectedLambda: number;
  /** Per budget fraction: the target USD per 1k and the lambda calibrated to it on the calibration rows' estimates. */
  budgets: { fraction: number; targetCostPer1k: number; lambda: number; reachable: boolean }[];
}

/** One outer fold (cross-validation) or the one transfer run. */
export interface PricedPartReport {
  fold: number;
  trainRows: number;
  testRows: number;
  calibrationRows: number;
  battles: number;
  selectedLambda: number;
  budgets: { fraction: number; targetCostPer1k: number; lambda: number; reachable: boolean }[];
}

/** The figures of `muffler evaluate` on a priced benchmark (the `--json` output). */
export interface PricedEvaluationResult {
  benchmark: string;
  /** The router's label (`cv5(use-lite)`, `arena-bench-priced->alpaca-eval-priced(use-lite)`). */
  router: string;
  rows: number;
  /** The candidates, in the benchmark's order. */
  models: string[];
  /** RouterArena's score of the best frontier point (the frontier is swept over lambda on the reported rows). */
  arenaScore: number;
  best: ScoredPoint<FrontierPoint>;
  /** The router's real mean cost per 1k queries and quality at each lambda of the sweep. */
  frontier: ScoredPoint<FrontierPoint>[];
  singleModels: SingleModelPoint[];
  /** The single model with the best RouterArena score. */
  bestSingleModel: SingleModelPoint;
  /** The single model with the best quality ("the best single model" of the half-cost target). */
  topQualityModel: SingleModelPoint;
  oracle: { arenaScore: number; best: ScoredPoint<FrontierPoint>; frontier: ScoredPoint<FrontierPoint>[] };
  /** Uniform random choice among the candidates (an expectation). */
  random: CostQualityPoint & { arenaScore: number };
  /** Random mixing of single models: their upper convex hull over cost. */
  mixingHull: CostQualityPoint[];
  /** Mean height of the router's frontier above the mixing hull (quality units), see areaAboveMixingHull. */
  areaAboveMixingHull: number;
  /** At half the top-quality model's cost: the router's frontier quality and the hull's, as shares of the top quality. */
  halfCost: { costPer1k: number; topQuality: number; routerQuality: number | null; hullQuality: number | null; routerShare: number | null; hullShare: number | null };
  /** Lambda chosen per training part by the best RouterArena score on its calibration rows, applied to its held-out rows. */
  selected: CostQualityPoint & { arenaScore: number };
  /** Budgets (fractions of the top-quality model's training cost) calibrated to lambda on training traffic, then applied. */
  budgets: { fraction: number; targetCostPer1k: number; costPer1k: number; quality: number; shareOfTopQuality: number; reachable: boolean }[];
  /** Each candidate's share of traffic (percent) at the best frontier point. */
  shares: { model: string; percent: number }[];
  parts: PricedPartReport[];
}

/** Options shared by {@link crossValidatePriced} and {@link transferPriced}. */
interface CommonOptions {
  settings?: PricedTrainingSettings;
  /** @default 0 */
  seed?: number;
  /** @default lambdaGrid() */
  lambdas?: readonly number[];
  /** @default DEFAULT_BUDGET_FRACTIONS */
  budgetFractions?: readonly number[];
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/** Options of {@link crossValidatePriced}. */
export interface CrossValidatePricedOptions extends CommonOptions {
  benchmark: PricedBenchmark;
  /** Embeddings of every benchmark row, row-major. */
  embeddings: Float32Array;
  dimension: number;
  /** @default 5 */
  k?: number;
  /** The label in the result. @default `cv<k>` */
  label?: string;
}

/**
 * k-fold cross-validation of the N-model priced router, folds grouped by prompt text: per fold, the MF and the
 * calibration learn from the other folds only (trainPricedRouter), and so do the chosen lambda and the budget lambdas;
 * the held-out fold's estimates are pooled and the frontier is swept over lambda on the real scores and costs.
 */
export async function crossValidatePriced(options: CrossValidatePricedOptions): Promise<PricedEvaluationResult> {
  const { benchmark, embeddings, dimension } = options;
  const k = options.k ?? 5;
  const seed = options.seed ?? 0;
  const folds = assignFolds({ prompts: benchmark.prompts, k, seed });
  const estimates: CandidateEstimate[][] = new Array(benchmark.prompts.length);
  const partOfRow = new Int32Array(benchmark.prompts.length);
  const parts: PricedPartReport[] = [];
  const decisions: PartDecisions[] = [];
  for (let fold = 0; fold < k; fold++) {
    const trainRows: number[] = [];
    const testRows: number[] = [];
    folds.forEach((value, row) => (value === fold ? testRows : trainRows).push(row));
    const model = await trainPricedRouter({ benchmark, embeddings, dimension, trainRows, seed: seed + fold, ...(options.settings !== undefined && { settings: options.settings }), ...(options.signal !== undefined && { signal: options.signal }) });
    const held = estimateRows({ model, prompts: benchmark.prompts, embeddings, dimension, rows: testRows });
    testRows.forEach((row, i) => {
      estimates[row] = held[i]!;
      partOfRow[row] = fold;
    });
    const decided = decideOnTrainingPart({ model, benchmark, embeddings, dimension, trainRows, options });
    decisions.push(decided);
    parts.push({ fold, trainRows: trainRows.length, testRows: testRows.length, calibrationRows: model.calibrationRows.length, battles: model.battles, ...decided });
    options.onProgress?.({ stage: "cv", done: fold + 1, total: k, unit: "folds" });
  }
  const columns = benchmark.models.map((_, column) => column);
  return summarize({ benchmark, columns, estimates, partOfRow, decisions, parts, label: options.label ?? `cv${k}`, options });
}

/** Options of {@link transferPriced}. */
export interface TransferPricedOptions extends CommonOptions {
  /** The benchmark to train on (all of its rows). */
  source: PricedBenchmark;
  sourceEmbeddings: Float32Array;
  /** The benchmark to evaluate on. */
  target: PricedBenchmark;
  targetEmbeddings: Float32Array;
  dimension: number;
  /** @default `<source>-><target>` */
  label?: string;
}

/**
 * Trains on every row of `source` (MF on 80 %, calibration, lambda choice and budget lambdas on the other 20 %) and
 * evaluates on every row of `target`, with the models both benchmarks have as candidates.
 * @throws MufflerError `evaluate/model-mismatch` when fewer than 2 models are common to both
 */
export async function transferPriced(options: TransferPricedOptions): Promise<PricedEvaluationResult & { model: PricedRouterModel; budgetLambdas: { usdPer1kRequests: number; lambda: number }[] }> {
  const { source, target, dimension } = options;
  const common = source.models.map((model) => model.name).filter((name) => target.models.some((model) => model.name === name));
  if (common.length < 2) {
    throw new MufflerError(`${source.name} and ${target.name} share ${common.length} model(s) (${common.join(", ") || "none"}); a priced transfer needs at least 2 common models.`, {
      code: EVALUATION_ERROR_CODES.modelMismatch,
      field: "--train-on",
      hint: "Train on a benchmark with the same model names as the one you evaluate.",
    });
  }
  const trainRows = [...source.prompts.keys()];
  const model = await trainPricedRouter({ benchmark: source, embeddings: options.sourceEmbeddings, dimension, trainRows, models: common, seed: options.seed ?? 0, ...(options.settings !== undefined && { settings: options.settings }), ...(options.signal !== undefined && { signal: options.signal }) });
  const rows = [...target.prompts.keys()];
  const estimates = estimateRows({ model, prompts: target.prompts, embeddings: options.targetEmbeddings, dimension, rows });
  const decided = decideOnTrainingPart({ model, benchmark: source, embeddings: options.sourceEmbeddings, dimension, trainRows, options });
  const columns = common.map((name) => target.models.findIndex((entry) => entry.name === name));
  const summary = summarize({
    benchmark: target,
    columns,
    estimates,
    partOfRow: new Int32Array(rows.length),
    decisions: [decided],
    parts: [{ fold: 0, trainRows: trainRows.length, testRows: rows.length, calibrationRows: model.calibrationRows.length, battles: model.battles, ...decided }],
    label: options.label ?? `${source.name}->${target.name}`,
    options,
  });
  const budgetLambdas = decided.budgets.filter((budget) => budget.reachable).map((budget) => ({ usdPer1kRequests: budget.targetCostPer1k, lambda: budget.lambda }));
  return { ...summary, model, budgetLambdas };
}

/** The lambda choice and the budget lambdas of one training part, from its calibration rows only. */
function decideOnTrainingPart(input: { model: PricedRouterModel; benchmark: PricedBenchmark; embeddings: Float32Array; dimension: number; trainRows: readonly number[]; options: CommonOptions }): PartDecisions {
  const { model, benchmark, trainRows } = input;
  const columns = model.candidates.map((candidate) => benchmark.models.findIndex((entry) => entry.name === candidate.model));
  const rows = model.calibrationRows;
  const traffic = estimateRows({ model, prompts: benchmark.prompts, embeddings: input.embeddings, dimension: input.dimension, rows });
  const lambdas = input.options.lambdas ?? lambdaGrid();
  const scores = columns.map((column) => Float64Array.from(rows, (row) => benchmark.scores[column]![row]!));
  const costs = columns.map((column) => Float64Array.from(rows, (row) => benchmark.costs[column]![row]!));
  const points = lambdas.map((lambda) => ({ ...pointOfChoices({ choices: traffic.map((estimates) => choosePolicyCandidate(estimates, { kind: "tradeoff", lambda }).index), scores, costs }), lambda }));
  const selectedLambda = bestArenaPoint(points.filter((point) => point.costPer1k > 0)).lambda;
  // the best-quality model on the training part, and its mean real cost per 1k there
  const mean = (values: ArrayLike<number>) => trainRows.reduce((sum, row) => sum + values[row]!, 0) / trainRows.length;
  const top = columns.reduce((best, column) => (mean(benchmark.scores[column]!) > mean(benchmark.scores[best]!) ? column : best));
  const topCostPer1k = 1000 * mean(benchmark.costs[top]!);
  const budgets = (input.options.budgetFractions ?? DEFAULT_BUDGET_FRACTIONS).map((fraction) => {
    const calibrated = lambdaForBudget({ traffic, usdPer1kRequests: fraction * topCostPer1k });
    return { fraction, targetCostPer1k: fraction * topCostPer1k, lambda: calibrated.lambda, reachable: calibrated.reachable };
  });
  return { selectedLambda, budgets };
}

function summarize(input: {
  benchmark: PricedBenchmark;
  /** The benchmark columns of the candidates, in candidate order. */
  columns: number[];
  /** Per benchmark row: each candidate's held-out estimate. */
  estimates: CandidateEstimate[][];
  /** Per row, which part's decisions apply (its fold). */
  partOfRow: Int32Array;
  decisions: PartDecisions[];
  parts: PricedPartReport[];
  label: string;
  options: CommonOptions;
}): PricedEvaluationResult {
  const { benchmark, columns, estimates } = input;
  const names = columns.map((column) => benchmark.models[column]!.name);
  const scores = columns.map((column) => benchmark.scores[column]!);
  const costs = columns.map((column) => benchmark.costs[column]!);
  const n = benchmark.prompts.length;
  const choicesAt = (lambdaOf: (row: number) => number) => Int32Array.from({ length: n }, (_, row) => choosePolicyCandidate(estimates[row]!, { kind: "tradeoff", lambda: lambdaOf(row) }).index);
  const lambdas = input.options.lambdas ?? lambdaGrid();
  const frontier = withArenaScores(lambdas.map((lambda) => ({ ...pointOfChoices({ choices: choicesAt(() => lambda), scores, costs }), lambda })));
  const best = frontier.reduce((top, point) => (point.arenaScore > top.arenaScore ? point : top));
  const singleModels = names.map((model, k) => {
    const point = pointOfChoices({ choices: new Int32Array(n).fill(k), scores, costs });
    return { model, ...point, arenaScore: arenaScore({ costPer1kUsd: point.costPer1k, quality: point.quality }) };
  });
  const bestSingleModel = singleModels.reduce((top, model) => (model.arenaScore > top.arenaScore ? model : top));
  const topQualityModel = singleModels.reduce((top, model) => (model.quality > top.quality ? model : top));
  const oracle = withArenaScores(oracleFrontier({ scores, costs, lambdas }));
  const oracleBest = oracle.reduce((top, point) => (point.arenaScore > top.arenaScore ? point : top));
  const randomPoint = { costPer1k: mean(singleModels.map((model) => model.costPer1k)), quality: mean(singleModels.map((model) => model.quality)) };
  const mixingHull = mixingFrontier(singleModels);
  const half = topQualityModel.costPer1k / 2;
  const routerQuality = qualityAtCost(frontier, half);
  const hullQuality = qualityAtCost(mixingHull, half);
  const selectedPoint = pointOfChoices({ choices: choicesAt((row) => input.decisions[input.partOfRow[row]!]!.selectedLambda), scores, costs });
  const budgets = (input.options.budgetFractions ?? DEFAULT_BUDGET_FRACTIONS).map((fraction, b) => {
    const point = pointOfChoices({ choices: choicesAt((row) => input.decisions[input.partOfRow[row]!]!.budgets[b]!.lambda), scores, costs });
    return {
      fraction,
      targetCostPer1k: mean(input.decisions.map((decision) => decision.budgets[b]!.targetCostPer1k)),
      ...point,
      shareOfTopQuality: point.quality / topQualityModel.quality,
      reachable: input.decisions.every((decision) => decision.budgets[b]!.reachable),
    };
  });
  const bestChoices = choicesAt(() => best.lambda);
  const shares = names.map((model, k) => ({ model, percent: (100 * bestChoices.filter((choice) => choice === k).length) / n }));
  return {
    benchmark: benchmark.name,
    router: input.label,
    rows: n,
    models: names,
    arenaScore: best.arenaScore,
    best,
    frontier,
    singleModels,
    bestSingleModel,
    topQualityModel,
    oracle: { arenaScore: oracleBest.arenaScore, best: oracleBest, frontier: oracle },
    random: { ...randomPoint, arenaScore: arenaScore({ costPer1kUsd: randomPoint.costPer1k, quality: randomPoint.quality }) },
    mixingHull,
    areaAboveMixingHull: areaAboveMixingHull({ frontier, singleModels }),
    halfCost: {
      costPer1k: half,
      topQuality: topQualityModel.quality,
      routerQuality,
      hullQuality,
      routerShare: routerQuality === null ? null : routerQuality / topQualityModel.quality,
      hullShare: hullQuality === null ? null : hullQuality / topQualityModel.quality,
    },
    selected: { ...selectedPoint, arenaScore: arenaScore({ costPer1kUsd: selectedPoint.costPer1k, quality: selectedPoint.quality }) },
    budgets,
    shares,
    parts: input.parts,
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
