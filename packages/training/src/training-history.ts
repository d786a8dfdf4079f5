// The training history's type and schema are part of the run-directory contract in @muffler/core.
export { trainingHistorySchema } from "@muffler/core";
export type { EpochRecord, TrainingHistory } from "@muffler/core";
