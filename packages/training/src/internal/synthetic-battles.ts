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
 * `popularity` (a Zipf exponent, default 0: uniform) makes a few models common and most rare.
 */
export function syntheticBattles(options: { battles: number; models: number; dimension: number; seed?: number; popularity?: number }): SyntheticBattles {
  const { battles: count, models, dimension: D } = options;
  const random = new SeededRandom(options.seed ?? 1);
  // popularity s > 0: model m enters a battle with weight 1 / (m + 1)^s (Zipf, as Arena's few popular and many rare
  // models); 0 (the default) draws both models uniformly.
  const exponent = options.popularity ?? 0;
  const cumulative = new Float64Array(models);
  for (let m = 0, total = 0; m < models; m++) cumulative[m] = total += 1 / (m + 1) ** exponent;
  const draw = (excluded: number): number => {
    for (;;) {
      const target = random.next() * cumulative[models - 1]!;
      let m = 0;
      while (m < models - 1 && cumulative[m]! <= target) m++;
      if (m !== excluded) return m;
    }
  };
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
    let a: number;
    let b: number;
    if (exponent === 0) {
      a = random.int(models);
      b = random.int(models - 1);
      if (b >= a) b += 1;
    } else {
      a = draw(-1);
      b = draw(a);
    }
    let margin = 0;
    for (let d = 0; d < D; d++) margin += (skills[a * D + d]! - skills[b * D + d]!) * embeddings[i * D + d]!;
    const aWins = random.next() < 1 / (1 + Math.exp(-4 * margin));
    winnerIds[i] = aWins ? a : b;
    loserIds[i] = aWins ? b : a;
    promptIndices[i] = i;
  }
  return { models: Array.from({ length: models }, (_, index) => `model-${index}`), dimension: D, battles: { winnerIds, loserIds, promptIndices }, embeddings };
}
