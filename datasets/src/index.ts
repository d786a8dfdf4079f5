export { listDatasetCards, readDatasetCard } from "./dataset-card.ts";
export { DATASETS_ERROR_CODES } from "./errors.ts";
export type { DatasetsErrorCode } from "./errors.ts";
export type { DatasetCard } from "./dataset-card.ts";
export {
  generateSyntheticBattles,
  generateSyntheticBenchmark,
  writeSyntheticDataset,
  SYNTHETIC_STRONG_MODEL,
  SYNTHETIC_WEAK_MODEL,
} from "./synthetic-dataset.ts";
export type { SyntheticBattle, SyntheticBattlesOptions, SyntheticBenchmarkRow, SyntheticDatasetFiles, WriteSyntheticDatasetOptions } from "./synthetic-dataset.ts";
export { strongCorrectProbability, weakCorrectProbability } from "./synthetic-outcomes.ts";
export { SYNTHETIC_FAMILIES } from "./synthetic-families.ts";
export type { SyntheticFamily } from "./synthetic-families.ts";
export { SYNTHETIC_MMLU_STRONG_MODEL, SYNTHETIC_MMLU_WEAK_MODEL, writeSyntheticMmlu } from "./synthetic-mmlu.ts";
export type { WriteSyntheticMmluOptions } from "./synthetic-mmlu.ts";
export { writeSyntheticPriced } from "./synthetic-priced.ts";
