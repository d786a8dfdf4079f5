import { MufflerError } from "@muffler/core";
import type { Battle, BattleOutcome } from "./battle.ts";
import type { Benchmark } from "./benchmark.ts";
import { DATA_ERROR_CODES } from "./errors.ts";
import type { TiePolicy } from "./tie-policy.ts";

/**
 * The defaults of gold battles, chosen in docs/decisions/0010-gold-battles.md: equal scores are a tie whatever the
 * score (`passingScore: Infinity`), and a tie counts one half for each model (`tiePolicy: "split"`). RouteLLM's own
 * gold labels are `{ tiePolicy: "drop", passingScore: 1 }` (both right: the weak model wins; both wrong: dropped).
 */
export const GOLD_BATTLE_DEFAULTS = { tiePolicy: "split", passingScore: Number.POSITIVE_INFINITY } as const satisfies {
  tiePolicy: TiePolicy;
  passingScore: number;
};

/** Options of {@link goldBattlesFromBenchmark}. */
export interface GoldBattlesOptions {
  benchmark: Benchmark;
  /**
   * When both models score the same, the weak model wins if that score is at least this (it was good enough), and
   * the battle is a tie otherwise. With 0/1 correctness and `1`: both right -> weak wins, both wrong -> tie.
   * `Infinity` makes every equal score a tie.
   * @default GOLD_BATTLE_DEFAULTS.passingScore (Infinity)
   */
  passingScore?: number;
}

/**
 * The gold rule (the ONE definition of a gold label) for one pair of scores on one prompt, from `a`'s side: the higher
 * score wins; equal scores are a tie, unless they reach `passingScore`, when `b` (the weak, cheaper side of a
 * strong/weak pair) wins because it was good enough. `passingScore: Infinity` makes every equal score a tie (the rule
 * for N models without a strong side, and the default of gold battles).
 */
export function goldOutcome(scoreA: number, scoreB: number, passingScore: number): BattleOutcome {
  return scoreA > scoreB ? "model_a" : scoreB > scoreA || scoreB >= passingScore ? "model_b" : "tie";
}

/**
 * Gold-labelled battles from a benchmark, one per prompt, strong model as `model_a`: strong scores higher -> strong
 * wins; weak scores higher, or equal and passing -> weak wins; equal and not passing -> tie. What a tie becomes is
 * the tie policy's business ({@link prepareDataset}, {@link goldTrainingBattles}).
 */
export function goldBattlesFromBenchmark(options: GoldBattlesOptions): Battle[] {
  const { benchmark } = options;
  const passing = options.passingScore ?? GOLD_BATTLE_DEFAULTS.passingScore;
  return benchmark.prompts.map((prompt, index) => ({
    modelA: benchmark.strongModel,
    modelB: benchmark.weakModel,
    prompt,
    winner: goldOutcome(benchmark.strongScores[index]!, benchmark.weakScores[index]!, passing),
  }));
}

/** Options of {@link goldTrainingBattles}. */
export interface GoldTrainingBattlesOptions {
  benchmark: Benchmark;
  /**
   * The benchmark rows to make battles of (a training part); the battles' `promptIndices` are these row numbers.
   * @default every row
   */
  rows?: ArrayLike<number>;
  /** What a gold tie becomes. @default GOLD_BATTLE_DEFAULTS.tiePolicy ("split") */
  tiePolicy?: TiePolicy;
  /** See {@link GoldBattlesOptions.passingScore}. @default GOLD_BATTLE_DEFAULTS.passingScore (Infinity) */
  passingScore?: number;
}

/** Models (sorted names, id = index) and winner-first battles, the shape `train()` of @muffler/training takes. */
export interface GoldTrainingBattles {
  models: string[];
  strongId: number;
  weakId: number;
  battles: { winnerIds: Int32Array; loserIds: Int32Array; promptIndices: Int32Array };
}

/**
 * Gold battles of some benchmark rows, the tie policy applied, oriented winner first, ready for training. The same
 * labels as `prepareDataset({ benchmark, tiePolicy, goldPassingScore })` gives for those rows.
 */
export function goldTrainingBattles(options: GoldTrainingBattlesOptions): GoldTrainingBattles {
  const { benchmark } = options;
  const tiePolicy = options.tiePolicy ?? GOLD_BATTLE_DEFAULTS.tiePolicy;
  const passing = options.passingScore ?? GOLD_BATTLE_DEFAULTS.passingScore;
  const rows = options.rows ?? Int32Array.from(benchmark.prompts, (_, row) => row);
  const models = [benchmark.strongModel, benchmark.weakModel].sort();
  const strongId = models.indexOf(benchmark.strongModel);
  const weakId = models.indexOf(benchmark.weakModel);
  const winners: number[] = [];
  const losers: number[] = [];
  const prompts: number[] = [];
  const add = (winner: number, loser: number, row: number) => {
    winners.push(winner);
    losers.push(loser);
    prompts.push(row);
  };
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const outcome = goldOutcome(benchmark.strongScores[row]!, benchmark.weakScores[row]!, passing);
    if (outcome === "model_a") add(strongId, weakId, row);
    else if (outcome === "model_b") add(weakId, strongId, row);
    else if (tiePolicy === "split") {
      add(strongId, weakId, row);
      add(weakId, strongId, row);
    } else if (tiePolicy === "weak-wins") add(weakId, strongId, row);
    else if (tiePolicy === "strong-wins") add(strongId, weakId, row);
  }
  if (winners.length === 0) {
    throw new MufflerError(`the ${rows.length} prompts of ${benchmark.name} give no battle (every one is a tie and ties are dropped).`, {
      code: DATA_ERROR_CODES.noBattles,
      field: "tiePolicy",
      hint: 'Use the tie policy "split" or "weak-wins".',
    });
  }
  return {
    models,
    strongId,
    weakId,
    battles: { winnerIds: Int32Array.from(winners), loserIds: Int32Array.from(losers), promptIndices: Int32Array.from(prompts) },
  };
}
