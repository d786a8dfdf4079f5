import type { Battle } from "./battle.ts";
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
 * Gold-labelled battles from a benchmark, one per prompt, strong model as `model_a`: strong scores higher -> strong
 * wins; weak scores higher, or equal and passing -> weak wins; equal and not passing (both wrong) -> tie. What a tie
 * becomes is the tie policy's business ({@link prepareDataset}).
 */
export function goldBattlesFromBenchmark(options: GoldBattlesOptions): Battle[] {
  const { benchmark } = options;
  const passing = options.passingScore ?? 1;
  return benchmark.prompts.map((prompt, index) => {
    const strong = benchmark.strongScores[index]!;
    const weak = benchmark.weakScores[index]!;
    const winner = strong > weak ? "model_a" : weak > strong || weak >= passing ? "model_b" : "tie";
    return { modelA: benchmark.strongModel, modelB: benchmark.weakModel, prompt, winner };
  });
}
