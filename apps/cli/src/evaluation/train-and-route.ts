import type { OnProgress } from "@muffler/core";
import type { Benchmark } from "@muffler/data";
import { MFRB, type MFParameters } from "@muffler/model";
import { train, type TrainingOptions } from "@muffler/training";
import { averageRouters } from "./average-routers.ts";
import { goldTrainingBattles, type GoldTiePolicy } from "./gold-training-battles.ts";

/** How the gold router is trained in the harness (cross-validation, tuning, transfer). */
export interface GoldTrainingSettings {
  /** @default "split" */
  ties?: GoldTiePolicy;
  /** @default Infinity (see goldTrainingBattles) */
  passingScore?: number;
  /** Passed to `train()` (epochs, hidden, noise, learningRate, weightDecay, batchSize, seed). */
  training?: TrainingOptions;
  /**
   * Routers trained with seeds seed, seed + 1, ... and averaged into one MF (see averageRouters).
   * @default 1
   */
  ensemble?: number;
}

/** Trains the MF router on gold battles of `trainRows` of a benchmark. `embeddings` holds every row of the benchmark. */
export async function trainGoldRouter(options: {
  benchmark: Benchmark;
  embeddings: Float32Array;
  dimension: number;
  trainRows: ArrayLike<number>;
  settings: GoldTrainingSettings;
  onProgress?: OnProgress;
  signal?: AbortSignal;
}): Promise<{ parameters: MFParameters; strongId: number; weakId: number; models: string[]; battles: number }> {
  const gold = goldTrainingBattles({
    benchmark: options.benchmark,
    rows: options.trainRows,
    ...(options.settings.ties !== undefined && { ties: options.settings.ties }),
    ...(options.settings.passingScore !== undefined && { passingScore: options.settings.passingScore }),
  });
  const members: MFParameters[] = [];
  const seed = options.settings.training?.seed ?? 0;
  for (let member = 0; member < (options.settings.ensemble ?? 1); member++) {
    const result = await train({
      models: gold.models,
      dimension: options.dimension,
      battles: gold.battles,
      embeddings: options.embeddings,
      options: { ...options.settings.training, seed: seed + member },
      ...(options.onProgress !== undefined && { onProgress: options.onProgress }),
      ...(options.signal !== undefined && { signal: options.signal }),
    });
    members.push(result.parameters);
  }
  return { parameters: averageRouters(members), strongId: gold.strongId, weakId: gold.weakId, models: gold.models, battles: gold.battles.winnerIds.length };
}

/** P(strong beats weak) of the given rows of a row-major embeddings matrix. */
export function routeRows(options: {
  parameters: MFParameters;
  strongId: number;
  weakId: number;
  embeddings: Float32Array;
  dimension: number;
  rows: ArrayLike<number>;
}): Float64Array {
  const { dimension, embeddings, rows } = options;
  const selected = new Float32Array(rows.length * dimension);
  for (let i = 0; i < rows.length; i++) selected.set(embeddings.subarray(rows[i]! * dimension, (rows[i]! + 1) * dimension), i * dimension);
  return new MFRB(options.parameters).winRates(options.strongId, options.weakId, selected);
}
