/** The stable error codes of `@muffler/evaluation`. A code never changes meaning; messages may be reworded. */
export const EVALUATION_ERROR_CODES = {
  /** An option is missing, out of range or combined with one it excludes. */
  badOption: "evaluation/bad-option",
  /** Too few prompts (or distinct prompts) for the number of folds. */
  tooFewPrompts: "evaluation/too-few-prompts",
  /** A prompts file (traffic to calibrate on) cannot be read or holds no prompt. */
  badPromptsFile: "evaluation/bad-prompts-file",
  /** The router does not know the strong or the weak model, or its embedder now gives other vectors. */
  modelMismatch: "evaluation/model-mismatch",
} as const;

export type EvaluationErrorCode = (typeof EVALUATION_ERROR_CODES)[keyof typeof EVALUATION_ERROR_CODES];

declare module "@muffler/core" {
  interface MufflerErrorCodes {
    evaluation: EvaluationErrorCode;
  }
}
