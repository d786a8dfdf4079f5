import { MufflerError, SeededRandom } from "@muffler/core";
import { EVALUATION_ERROR_CODES } from "./errors.ts";

/** Options of {@link assignFolds}. */
export interface AssignFoldsOptions {
  /** One prompt per row; identical texts share a fold. */
  prompts: readonly string[];
  /** Number of folds, at least 2 and at most the number of distinct prompts. */
  k: number;
  /** Seed of the shuffle. @default 0 */
  seed?: number;
}

/**
 * Assigns each prompt to one of `k` folds, at random (seeded) but with identical prompt texts always in the same fold,
 * so that no held-out prompt has a copy in the training part (MMLU has 14,042 rows but 13,937 distinct prompts).
 * Distinct texts are shuffled and dealt round-robin, so fold sizes differ by at most the duplicates.
 */
export function assignFolds(options: AssignFoldsOptions): Int32Array {
  const { prompts, k } = options;
  const distinct = [...new Set(prompts)];
  if (!Number.isInteger(k) || k < 2 || distinct.length < k) {
    throw new MufflerError(`cannot make ${k} folds of ${distinct.length} distinct prompts.`, {
      code: distinct.length < k ? EVALUATION_ERROR_CODES.tooFewPrompts : EVALUATION_ERROR_CODES.badOption,
      field: "k",
      hint: "Use 2 folds or more, and at most as many folds as distinct prompts.",
    });
  }
  const order = new SeededRandom(options.seed ?? 0).permutation(distinct.length);
  const foldOfText = new Map<string, number>();
  order.forEach((textIndex, position) => foldOfText.set(distinct[textIndex]!, position % k));
  return Int32Array.from(prompts, (prompt) => foldOfText.get(prompt)!);
}
