/**
 * What a tie becomes, for battles read from a file and for gold battles made from a benchmark alike (the one
 * tie-policy enum of the project):
 * - `drop` removes tied battles (RouteLLM, for arena battles);
 * - `weak-wins` counts a tie as a win of the weak model (the weak answer was good enough);
 * - `strong-wins` counts it as a win of the strong model;
 * - `split` makes it two battles, one won by each model: a soft label of one half, so the MF's win rate learns
 *   `P(strong better) + P(tie) / 2` and ranks prompts by the expected gain of the strong model
 *   (docs/decisions/0010-gold-battles.md).
 * The two `*-wins` policies need a (strong, weak) pair.
 */
export const TIE_POLICIES = ["drop", "weak-wins", "strong-wins", "split"] as const;
export type TiePolicy = (typeof TIE_POLICIES)[number];

/** The default tie policy of battles read from a file: drop ties, as RouteLLM does. */
export const DEFAULT_TIE_POLICY: TiePolicy = "drop";
