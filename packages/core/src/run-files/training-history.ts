import { z } from "zod";

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

/** `training/history.json`. */
export interface TrainingHistory {
  epochs: EpochRecord[];
  /** The epoch whose parameters `train` returns (lowest validation loss, or train loss without validation). */
  bestEpoch: number;
}

const finite = z.number().finite();

/** The zod schema of `training/history.json`. */
export const trainingHistorySchema = z.looseObject({
  epochs: z
    .array(
      z.looseObject({
        epoch: z.number().int().nonnegative(),
        trainLoss: finite,
        validationLoss: finite.optional(),
        validationAccuracy: z.number().min(0).max(1).optional(),
        weightNorm: finite.nonnegative(),
        learningRate: finite.nonnegative(),
        seconds: finite.nonnegative(),
      }),
    )
    .min(1),
  bestEpoch: z.number().int().nonnegative(),
}) satisfies z.ZodType<TrainingHistory>;
