import type { GoldTrainingSettings } from "./train-and-route.ts";

/**
 * The settings `--tune` chooses among by nested cross-validation: the given settings with epochs 10 / 30 / 60 crossed
 * with learning rates 3e-4 / 1e-3 (on MMLU, longer training mattered most; weight decay and noise only hurt, see
 * packages/metrics/README.md). Six candidates, each trained innerK times per outer fold.
 */
export function defaultTuningCandidates(base: GoldTrainingSettings): GoldTrainingSettings[] {
  const candidates: GoldTrainingSettings[] = [];
  for (const epochs of [10, 30, 60]) {
    for (const learningRate of [3e-4, 1e-3]) candidates.push({ ...base, training: { ...base.training, epochs, learningRate } });
  }
  return candidates;
}
