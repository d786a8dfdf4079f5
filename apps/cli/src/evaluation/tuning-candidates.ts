import type { GoldTrainingSettings } from "./train-and-route.ts";

/**
 * The settings `--tune` chooses among by nested cross-validation: the given settings with epochs 5 / 10 / 20, crossed
 * with training noise 0 / 0.05. Six candidates, each trained innerK times per outer fold.
 */
export function defaultTuningCandidates(base: GoldTrainingSettings): GoldTrainingSettings[] {
  const candidates: GoldTrainingSettings[] = [];
  for (const epochs of [5, 10, 20]) {
    for (const noise of [0, 0.05]) candidates.push({ ...base, training: { ...base.training, epochs, noise } });
  }
  return candidates;
}
