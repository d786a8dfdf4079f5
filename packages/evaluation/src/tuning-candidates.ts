import type { GoldRouterSettings } from "./train-gold-router.ts";

/** The epochs `defaultTuningCandidates` tries. */
export const TUNING_EPOCHS = [10, 30, 60] as const;
/** The learning rates `defaultTuningCandidates` tries. */
export const TUNING_LEARNING_RATES = [3e-4, 1e-3] as const;

/**
 * The settings nested-CV tuning chooses among by default: `base` with epochs 10 / 30 / 60 crossed with learning rates
 * 3e-4 / 1e-3 (on MMLU, longer training mattered most; weight decay and noise only hurt, see the README). Six
 * candidates, each trained innerK times per outer fold.
 */
export function defaultTuningCandidates(base: GoldRouterSettings = {}): GoldRouterSettings[] {
  const candidates: GoldRouterSettings[] = [];
  for (const epochs of TUNING_EPOCHS) {
    for (const learningRate of TUNING_LEARNING_RATES) candidates.push({ ...base, training: { ...base.training, epochs, learningRate } });
  }
  return candidates;
}
