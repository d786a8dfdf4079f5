/** The outcome of a battle, from `model_a`'s side. */
export const BATTLE_OUTCOMES = ["model_a", "model_b", "tie"] as const;
export type BattleOutcome = (typeof BATTLE_OUTCOMES)[number];

/** One battle held in memory (gold battles from a benchmark, or battles a program made). */
export interface Battle {
  modelA: string;
  modelB: string;
  prompt: string;
  winner: BattleOutcome;
}
