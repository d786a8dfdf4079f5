import { z } from "zod";

/** The training engines: `fused` (default, fast) and `tfjs` (the seed's module transcribed, autograd; the reference). */
export const TRAINING_ENGINES = ["fused", "tfjs"] as const;
export type TrainingEngineName = (typeof TRAINING_ENGINES)[number];

/**
 * How weight decay applies: `l2` adds wd * p to the gradient before Adam (torch.optim.Adam's `weight_decay`, the
 * seed's); `decoupled` multiplies p by 1 - lr * wd before the Adam step (torch.optim.AdamW).
 */
export const WEIGHT_DECAY_MODES = ["l2", "decoupled"] as const;
export type WeightDecayMode = (typeof WEIGHT_DECAY_MODES)[number];

/** Oriented battles: the winner first (the data package's PreparedBattles has these fields). */
export interface BattleIndex {
  winnerIds: Int32Array;
  loserIds: Int32Array;
  /** Row of each battle's prompt in the embeddings matrix. */
  promptIndices: Int32Array;
}

/** PyTorch's ReduceLROnPlateau (mode "min", relative threshold) on the validation loss. */
export interface ReduceLrOnPlateauOptions {
  /** New rate = rate * factor. @default 0.1 */
  factor?: number;
  /** Epochs without improvement before reducing. @default 10 */
  patience?: number;
  /** Relative improvement that counts. @default 1e-4 */
  threshold?: number;
  /** Lower bound of the rate. @default 0 */
  minLearningRate?: number;
}

export interface TrainingOptions {
  /** @default 10 */
  epochs?: number;
  /** @default 64 */
  batchSize?: number;
  /** Adam's learning rate. @default 3e-4 */
  learningRate?: number;
  /** Weight decay: the L2 penalty added to the gradient (`weightDecayMode: "l2"`, torch.optim.Adam's weight_decay) or AdamW's decoupled rate. @default 1e-5 */
  weightDecay?: number;
  /** `l2` (torch.optim.Adam) or `decoupled` (torch.optim.AdamW), see WEIGHT_DECAY_MODES. @default "l2" */
  weightDecayMode?: WeightDecayMode;
  /** Whether weight decay applies to P, the model embeddings (their rows are normalized in the forward pass); W and c always decay. @default true */
  weightDecayOnModels?: boolean;
  /** Standard deviation of Gaussian noise added to prompt embeddings in training only (RouteLLM uses 0.1). @default 0 */
  noise?: number;
  /** Seed of the initialization (when no parameters are given), the shuffles and the noise. @default 0 */
  seed?: number;
  /** @default "fused" */
  engine?: TrainingEngineName;
  /** H when no parameters are given. @default 128 */
  hidden?: number;
  /** Stop after this many epochs without a better validation loss (train loss without validation). @default undefined (never) */
  earlyStoppingPatience?: number;
  /** Reduce the learning rate when the validation loss stalls; `true` for PyTorch's defaults. @default undefined (off) */
  reduceLrOnPlateau?: boolean | ReduceLrOnPlateauOptions;
  /** Where to write `epoch-<n>.safetensors` after every epoch, and resume from. @default undefined (no checkpoints) */
  checkpointDirectory?: string;
  /** Resume from the latest checkpoint in `checkpointDirectory` when it belongs to this run. @default true */
  resume?: boolean;
}

export const trainingOptionsSchema = z.object({
  epochs: z.number().int().positive().default(10),
  batchSize: z.number().int().positive().default(64),
  learningRate: z.number().positive().finite().default(3e-4),
  weightDecay: z.number().nonnegative().finite().default(1e-5),
  weightDecayMode: z.enum(WEIGHT_DECAY_MODES).default("l2"),
  weightDecayOnModels: z.boolean().default(true),
  noise: z.number().nonnegative().finite().default(0),
  seed: z.number().int().default(0),
  engine: z.enum(TRAINING_ENGINES).default("fused"),
  hidden: z.number().int().positive().default(128),
  earlyStoppingPatience: z.number().int().positive().optional(),
  reduceLrOnPlateau: z
    .union([
      z.boolean(),
      z.object({
        factor: z.number().positive().lt(1).optional(),
        patience: z.number().int().nonnegative().optional(),
        threshold: z.number().nonnegative().optional(),
        minLearningRate: z.number().nonnegative().optional(),
      }),
    ])
    .optional(),
  checkpointDirectory: z.string().min(1).optional(),
  resume: z.boolean().default(true),
});

export type ResolvedTrainingOptions = z.infer<typeof trainingOptionsSchema>;

/** Every default of {@link TrainingOptions}, in one place (the schema's defaults): what the CLI shows in `--help`. */
export const DEFAULT_TRAINING_OPTIONS: ResolvedTrainingOptions = trainingOptionsSchema.parse({});
