import type { Battle, BattleOutcome } from "./battle.ts";
import type { Benchmark } from "./benchmark.ts";

/** Options of {@link goldBattlesFromBenchmark}. */
export interface GoldBattlesOptions {
  benchmark: Benchmark;
  /**
   * When both models score the same, the weak model wins if that score is at least this (it was good enough), and
   * the battle is a tie otherwise (both wrong). With 0/1 correctness: both right -> weak wins, both wrong -> tie.
   * @default 1
   */
  passingScore?: number;
}

/**
 * The gold rule for one pair of scores on one prompt, from `a`'s side: the higher score wins; equal scores are a
 * tie, unless they reach `passingScore`, when `b` (the weak, cheaper side of a strong/weak pair) wins because it was
 * good enough. `passingScore: Infinity` makes every equal score a tie (the rule for N models without a strong side).
 */
export function goldOutcome(scoreA: number, scoreB: number, passingScore: number): BattleOutcome {
  return scoreA > scoreB ? "model_a" : scoreB > scoreA || scoreB >= passingScore ? "model_b" : "tie";
}

/**
 * Gold-labelled battles from a benchmark, one per prompt, strong model as `model_a`: strong scores higher -> strong
 * wins; weak scores higher, or equal and passing -> weak wins; equal and not passing (both wrong) -> tie. What a tie
 * becomes is the tie policy's business ({@link prepareDataset}).
 */
export function goldBattlesFromBenchmark(options: GoldBattlesOptions): Battle[] {
  const { benchmark } = options;
  const passing = options.passingScore ?? 1;
  return benchmark.prompts.map((prompt, index) => ({
    modelA: benchmark.strongModel,
    modelB: benchmark.weakModel,
    prompt,
    winner: goldOutcome(benchmark.strongScores[index]!, benchmark.weakScores[index]!, passing),
  }));
}
