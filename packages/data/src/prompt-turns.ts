/** Which turns of a multi-turn prompt (Arena stores a prompt as a JSON list of turns) become the prompt. */
export const PROMPT_TURNS = ["first", "all"] as const;
export type PromptTurns = (typeof PROMPT_TURNS)[number];
