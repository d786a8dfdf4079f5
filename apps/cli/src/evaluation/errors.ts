/** Stable error codes of the evaluation harness and the `calibrate` / `evaluate` commands. */
export const EVALUATION_ERROR_CODES = {
  /** A flag is missing, malformed or combined with one it excludes. */
  badOption: "evaluate/bad-option",
  /** Too few prompts (or distinct prompts) for the number of folds. */
  tooFewPrompts: "evaluate/too-few-prompts",
  /** The training part yields no battle to learn from (e.g. every battle is a tie and ties are dropped). */
  noBattles: "evaluate/no-battles",
  /** The prompts file of `muffler calibrate --prompts` cannot be read or holds no prompt. */
  badPromptsFile: "calibrate/bad-prompts-file",
  /** The router does not know the strong or the weak model of the benchmark. */
  modelMismatch: "evaluate/model-mismatch",
} as const;

export type EvaluationErrorCode = (typeof EVALUATION_ERROR_CODES)[keyof typeof EVALUATION_ERROR_CODES];

declare module "@muffler/core" {
  interface MufflerErrorCodes {
    evaluation: EvaluationErrorCode;
  }
}
