import { MufflerError } from "@muffler/core";
import { DATA_ERROR_CODES } from "./errors.ts";
import { goldOutcome } from "./gold-battles.ts";
import type { PricedBenchmark } from "./priced-benchmark.ts";
import type { TiePolicy } from "./tie-policy.ts";

/**
 * The tie policies (of the one enum, `TIE_POLICIES`) that apply among N models: `split` makes two battles, one won by
 * each (a soft label of one half, so their logits learn to be equal there); `drop` removes the pair. `weak-wins` /
 * `strong-wins` need a strong/weak pair, which N priced models do not have.
 */
export const PRICED_TIE_POLICIES = ["split", "drop"] as const satisfies readonly TiePolicy[];
export type PricedTiePolicy = (typeof PRICED_TIE_POLICIES)[number];

/** Options of {@link goldBattlesFromPricedBenchmark}. */
export interface PricedGoldBattlesOptions {
  benchmark: PricedBenchmark;
  /** The rows (queries) to make battles of; `promptIndices` are these row numbers. @default every row */
  rows?: ArrayLike<number>;
  /** @default "split" */
  ties?: PricedTiePolicy;
  /** Names of the models to pair (a subset of the benchmark's). @default every model */
  models?: readonly string[];
}

/** Gold battles among N models, oriented winner first, with model ids into the SORTED list of names. */
export interface PricedGoldBattles {
  /** Sorted model names; a battle's ids index this list. */
  models: string[];
  winnerIds: Int32Array;
  loserIds: Int32Array;
  promptIndices: Int32Array;
}

/**
 * Gold battles from a priced benchmark: on each row, every pair of models where one scored higher is a battle won by
 * that model (`goldOutcome` with no passing score: equal scores are a tie, handled by `ties`). N models give up to
 * N (N - 1) / 2 battles per prompt.
 *
 * @throws MufflerError `data/model-not-found` (a name not in the benchmark), `data/bad-option` (fewer than 2 models)
 */
export function goldBattlesFromPricedBenchmark(options: PricedGoldBattlesOptions): PricedGoldBattles {
  const { benchmark } = options;
  const all = benchmark.models.map((model) => model.name);
  const chosen = options.models ?? all;
  for (const name of chosen) {
    if (!all.includes(name)) {
      throw new MufflerError(`model "${name}" is not in the benchmark ${benchmark.name} (${all.join(", ")}).`, { code: DATA_ERROR_CODES.modelNotFound, field: "models" });
    }
  }
  const models = [...new Set(chosen)].sort();
  if (models.length < 2) throw new MufflerError("gold battles need at least 2 models.", { code: DATA_ERROR_CODES.badOption, field: "models" });
  const columns = models.map((name) => all.indexOf(name));
  const rows = options.rows ?? Int32Array.from(benchmark.prompts, (_, row) => row);
  const ties = options.ties ?? "split";
  const winners: number[] = [];
  const losers: number[] = [];
  const prompts: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    for (let a = 0; a < models.length; a++) {
      for (let b = a + 1; b < models.length; b++) {
        const outcome = goldOutcome(benchmark.scores[columns[a]!]![row]!, benchmark.scores[columns[b]!]![row]!, Number.POSITIVE_INFINITY);
        if (outcome === "model_a" || (outcome === "tie" && ties === "split")) {
          winners.push(a);
          losers.push(b);
          prompts.push(row);
        }
        if (outcome === "model_b" || (outcome === "tie" && ties === "split")) {
          winners.push(b);
          losers.push(a);
          prompts.push(row);
        }
      }
    }
  }
  return { models, winnerIds: Int32Array.from(winners), loserIds: Int32Array.from(losers), promptIndices: Int32Array.from(prompts) };
}
