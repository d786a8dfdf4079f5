/** The synthetic prompt families. */
export const SYNTHETIC_FAMILIES = ["arithmetic", "code", "trivia", "chit-chat", "reasoning"] as const;
export type SyntheticFamily = (typeof SYNTHETIC_FAMILIES)[number];
