/**
 * What a tie becomes. `drop` (the default, as RouteLLM) removes tied battles; `weak-wins` counts a tie as a win of the
 * weak model (the weak answer was good enough); `strong-wins` counts it as a win of the strong model. The two
 * `*-wins` policies need a (strong, weak) pair.
 */
export const TIE_POLICIES = ["drop", "weak-wins", "strong-wins"] as const;
export type TiePolicy = (typeof TIE_POLICIES)[number];

/** The default tie policy: drop ties, as RouteLLM does. */
export const DEFAULT_TIE_POLICY: TiePolicy = "drop";
