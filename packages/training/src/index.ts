export { TRAINING_ERROR_CODES } from "./errors.ts";
export type { TrainingErrorCode } from "./errors.ts";
export { train } from "./train.ts";
export type { TrainInput, TrainResult } from "./train.ts";
export type { EpochRecord, TrainingHistory } from "./training-history.ts";
export { DEFAULT_TRAINING_OPTIONS, TRAINING_ENGINES, trainingOptionsSchema, WEIGHT_DECAY_MODES } from "./training-options.ts";
export type { BattleIndex, ReduceLrOnPlateauOptions, ResolvedTrainingOptions, TrainingEngineName, TrainingOptions, WeightDecayMode } from "./training-options.ts";
export { trainRun } from "./train-run.ts";
export type { TrainRunOptions, TrainRunResult } from "./train-run.ts";
