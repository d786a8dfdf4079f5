/** One epoch of training, as `training/history.json` records it. */
export interface EpochRecord {
  /** 1-based. */
  epoch: number;
  /** Mean BCE-with-logits loss over the epoch's batches (before each update). */
  trainLoss: number;
  /** Mean loss on the validation battles with the epoch's final weights, no noise. */
  validationLoss?: number;
  /** Share of validation battles whose winner gets the higher logit. */
  validationAccuracy?: number;
  /** L2 norm of all parameters (P, W, c). */
  weightNorm: number;
  /** The learning rate used in this epoch. */
  learningRate: number;
  /** Wall time of the epoch's training steps. */
  seconds: number;
}

export interface TrainingHistory {
  epochs: EpochRecord[];
  /** The epoch whose parameters `train` returns (lowest validation loss, or train loss without validation). */
  bestEpoch: number;
}
