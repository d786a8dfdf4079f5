import { SeededRandom } from "@muffler/core";
import type { BattleIndex } from "../training-options.ts";

export interface SyntheticBattles {
  models: string[];
  dimension: number;
  battles: BattleIndex;
  /** One L2-normalized row per battle (prompt i belongs to battle i). */
  embeddings: Float32Array;
}

/**
 * Battles with a learnable structure, for tests and the benchmark: each model has a hidden skill vector s_m and
 * model a beats model b on prompt q with probability sigmoid(4 (s_a - s_b) . q). Prompts are random unit vectors.
 */
export function syntheticBattles(options: { battles: number; models: number; dimension: number; seed?: number }): SyntheticBattles {
  const { battles: count, models, dimension: D } = options;
  const random = new SeededRandom(options.seed ?? 1);
  const skills = Float64Array.from({ length: models * D }, () => random.normal() / Math.sqrt(D) * 3);
  const embeddings = new Float32Array(count * D);
  const winnerIds = new Int32Array(count);
  const loserIds = new Int32Array(count);
  const promptIndices = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    let norm = 0;
    for (let d = 0; d < D; d++) {
      const value = random.normal();
      embeddings[i * D + d] = value;
      norm += value * value;
    }
    norm = Math.sqrt(norm);
    for (let d = 0; d < D; d++) embeddings[i * D + d]! /= norm;
    const a = random.int(models);
    let b = random.int(models - 1);
    if (b >= a) b += 1;
    let margin = 0;
    for (let d = 0; d < D; d++) margin += (skills[a * D + d]! - skills[b * D + d]!) * embeddings[i * D + d]!;
    const aWins = random.next() < 1 / (1 + Math.exp(-4 * margin));
    winnerIds[i] = aWins ? a : b;
    loserIds[i] = aWins ? b : a;
    promptIndices[i] = i;
  }
  return { models: Array.from({ length: models }, (_, index) => `model-${index}`), dimension: D, battles: { winnerIds, loserIds, promptIndices }, embeddings };
}
