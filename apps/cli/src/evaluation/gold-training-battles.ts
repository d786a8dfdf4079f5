import { MufflerError } from "@muffler/core";
import { goldBattlesFromBenchmark, type Benchmark } from "@muffler/data";
import type { BattleIndex } from "@muffler/training";
import { EVALUATION_ERROR_CODES } from "./errors.ts";

/**
 * What a gold tie (both models score the same) becomes in training: `split` makes it two battles, one won by each
 * model (a soft label of one half, so the win rate learns 0.5 + gain / 2 and ranks prompts by the expected gain of
 * the strong model); `drop` removes it (RouteLLM); `weak-wins` / `strong-wins` give it to one side.
 */
export const GOLD_TIE_POLICIES = ["split", "drop", "weak-wins", "strong-wins"] as const;
export type GoldTiePolicy = (typeof GOLD_TIE_POLICIES)[number];

/** Options of {@link goldTrainingBattles}. */
export interface GoldTrainingBattlesOptions {
  benchmark: Benchmark;
  /** The benchmark rows to make battles of (the training folds); battles' `promptIndices` are these row numbers. */
  rows: ArrayLike<number>;
  /** @default "split" */
  ties?: GoldTiePolicy;
  /**
   * When both models score the same and at least this, the weak model wins outright (it was good enough) instead of a
   * tie: `@muffler/data`'s `goldBattlesFromBenchmark` rule. `Infinity` makes every equal score a tie.
   * @default Infinity
   */
  passingScore?: number;
}

/** Models (sorted names, id = index) and winner-first battles for `train()`. */
export interface GoldTrainingBattles {
  models: string[];
  strongId: number;
  weakId: number;
  battles: BattleIndex;
}

/** Gold battles from a benchmark's score columns (strong scores higher -> strong wins, ...), oriented winner first. */
export function goldTrainingBattles(options: GoldTrainingBattlesOptions): GoldTrainingBattles {
  const { benchmark } = options;
  const ties = options.ties ?? "split";
  const gold = goldBattlesFromBenchmark({ benchmark, passingScore: options.passingScore ?? Number.POSITIVE_INFINITY });
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
  for (let i = 0; i < options.rows.length; i++) {
    const row = options.rows[i]!;
    const outcome = gold[row]!.winner; // model_a is the strong model
    if (outcome === "model_a") add(strongId, weakId, row);
    else if (outcome === "model_b") add(weakId, strongId, row);
    else if (ties === "split") {
      add(strongId, weakId, row);
      add(weakId, strongId, row);
    } else if (ties === "weak-wins") add(weakId, strongId, row);
    else if (ties === "strong-wins") add(strongId, weakId, row);
  }
  if (winners.length === 0) {
    throw new MufflerError(`the ${options.rows.length} training prompts of ${benchmark.name} give no battle (every one is a tie and ties are dropped).`, {
      code: EVALUATION_ERROR_CODES.noBattles,
      field: "--ties",
      hint: "Use --ties split or weak-wins.",
    });
  }
  return {
    models,
    strongId,
    weakId,
    battles: { winnerIds: Int32Array.from(winners), loserIds: Int32Array.from(losers), promptIndices: Int32Array.from(prompts) },
  };
}
