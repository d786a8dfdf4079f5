import type { OnProgress } from "@muffler/core";
import { GOLD_BATTLE_DEFAULTS, goldTrainingBattles, type Benchmark, type TiePolicy } from "@muffler/data";
import { MFRB, type MFParameters } from "@muffler/model";
import { train, type TrainingOptions } from "@muffler/training";
import { averageRouters } from "./average-routers.ts";

/** How a gold-label router is trained (cross-validation, tuning, transfer). */
export interface GoldRouterSettings {
  /** What a gold tie becomes. @default GOLD_BATTLE_DEFAULTS.tiePolicy ("split") */
  tiePolicy?: TiePolicy;
  /** Equal scores at or above this are a weak win, not a tie. @default GOLD_BATTLE_DEFAULTS.passingScore (Infinity) */
  passingScore?: number;
  /** Passed to `train()` of @muffler/training (its defaults for every field left out). @default {} */
  training?: TrainingOptions;
  /**
   * Routers trained with seeds `seed, seed + 1, ...` and averaged into one MF (see {@link averageRouters}).
   * @default 1
   */
  ensemble?: number;
}

/** Options of {@link trainGoldRouter}. */
export interface TrainGoldRouterOptions {
  benchmark: Benchmark;
  /** Embeddings of EVERY benchmark row, row-major (rows x dimension). */
  embeddings: Float32Array;
  dimension: number;
  /** The benchmark rows to train on. */
  trainRows: ArrayLike<number>;
  /** @default {} */
  settings?: GoldRouterSettings;
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/** A trained gold-label router: the MF and the ids of the benchmark's strong and weak models in it. */
export interface GoldRouter {
  parameters: MFParameters;
  models: string[];
  strongId: number;
  weakId: number;
  /** Training battles (a split tie counts two). */
  battles: number;
}

/** Trains the MF router on the gold battles of some rows of a benchmark. */
export async function trainGoldRouter(options: TrainGoldRouterOptions): Promise<GoldRouter> {
  const settings = options.settings ?? {};
  const gold = goldTrainingBattles({
    benchmark: options.benchmark,
    rows: options.trainRows,
    tiePolicy: settings.tiePolicy ?? GOLD_BATTLE_DEFAULTS.tiePolicy,
    passingScore: settings.passingScore ?? GOLD_BATTLE_DEFAULTS.passingScore,
  });
  const members: MFParameters[] = [];
  const seed = settings.training?.seed ?? 0;
  for (let member = 0; member < (settings.ensemble ?? 1); member++) {
    const result = await train({
      models: gold.models,
      dimension: options.dimension,
      battles: gold.battles,
      embeddings: options.embeddings,
      options: { ...settings.training, seed: seed + member },
      ...(options.onProgress !== undefined && { onProgress: options.onProgress }),
      ...(options.signal !== undefined && { signal: options.signal }),
    });
    members.push(result.parameters);
  }
  return { parameters: averageRouters(members), strongId: gold.strongId, weakId: gold.weakId, models: gold.models, battles: gold.battles.winnerIds.length };
}

/** Options of {@link routeRows}. */
export interface RouteRowsOptions {
  router: GoldRouter;
  /** Row-major embeddings (rows x dimension). */
  embeddings: Float32Array;
  dimension: number;
  /** The rows to route. @default every row */
  rows?: ArrayLike<number>;
}

/** P(strong beats weak) of some rows of a row-major embeddings matrix. */
export function routeRows(options: RouteRowsOptions): Float64Array {
  const { dimension, embeddings, router } = options;
  if (options.rows === undefined) return new MFRB(router.parameters).winRates(router.strongId, router.weakId, embeddings);
  const rows = options.rows;
  const selected = new Float32Array(rows.length * dimension);
  for (let i = 0; i < rows.length; i++) selected.set(embeddings.subarray(rows[i]! * dimension, (rows[i]! + 1) * dimension), i * dimension);
  return new MFRB(router.parameters).winRates(router.strongId, router.weakId, selected);
}
