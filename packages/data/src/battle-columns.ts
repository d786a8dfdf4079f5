/** The standard battle columns (Arena naming). `winner_tie` is optional; the seed's `tie_ab` is accepted for it. */
export const BATTLE_COLUMNS = ["model_a", "model_b", "prompt", "winner_model_a", "winner_model_b", "winner_tie"] as const;
export type BattleColumn = (typeof BATTLE_COLUMNS)[number];
