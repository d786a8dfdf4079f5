/** Error codes of @muffler/training, stable across versions. */
export const TRAINING_ERROR_CODES = {
  /** Options out of range or of the wrong type (epochs, batch size, learning rate, ...). */
  invalidOptions: "training/invalid-options",
  /** Battles or embeddings that disagree (lengths, model ids, prompt indices, dimension). */
  invalidData: "training/invalid-data",
  /** A checkpoint that belongs to another run (different data, options or initialization) or cannot be read. */
  checkpointMismatch: "training/checkpoint-mismatch",
  /** The tfjs engine could not load its backend. */
  engineUnavailable: "training/engine-unavailable",
  /** The run was stopped through its AbortSignal; the last epoch checkpoint is kept for resuming. */
  aborted: "training/aborted",
} as const;

export type TrainingErrorCode = (typeof TRAINING_ERROR_CODES)[keyof typeof TRAINING_ERROR_CODES];

declare module "@muffler/core" {
  interface MufflerErrorCodes {
    training: TrainingErrorCode;
  }
}
