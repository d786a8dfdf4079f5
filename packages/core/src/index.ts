export { MUFFLER_ERROR_MARKER, MufflerError, isMufflerError } from "./muffler-error.ts";
export type { ErrorKind, ErrorLocation, MufflerErrorCode, MufflerErrorCodes, MufflerErrorJson, MufflerErrorOptions } from "./muffler-error.ts";
export { CORE_ERROR_CODES } from "./errors.ts";
export type { CoreErrorCode } from "./errors.ts";
export { ensureDirectory, fileSystemError, rethrowFileSystemError } from "./file-system-error.ts";
export type { FileSystemAction, FileSystemErrorCode, FileSystemErrorOptions } from "./file-system-error.ts";
export { isProcessAlive, removeStaleTemporaryFiles, TEMPORARY_NAME } from "./stale-temporary-files.ts";
export { BLANK_CHARACTER_CLASS, BLANK_CHARACTERS, isBlankText } from "./blank-text.ts";
export { temporaryPathFor, withAtomicPath, writeFileAtomic, writeJsonAtomic } from "./atomic-write.ts";
export { canonicalJson, hashJson, sha256, sha256File } from "./content-hash.ts";
export { SeededRandom } from "./seeded-random.ts";
export type { OnProgress, ProgressEvent } from "./progress.ts";
export { parseJsonLines } from "./json-lines.ts";
export type { JsonLine, ParseJsonLinesOptions } from "./json-lines.ts";
export { datasetPaths, embeddingsPaths, evaluationPaths, routerBundlePaths, runPaths } from "./run-directory.ts";
export type { RunPaths, RunSplit } from "./run-directory.ts";
export { datasetManifestSchema } from "./run-files/dataset-manifest.ts";
export type { DatasetManifest, PreparationCounts } from "./run-files/dataset-manifest.ts";
export { trainingHistorySchema } from "./run-files/training-history.ts";
export type { EpochRecord, TrainingHistory } from "./run-files/training-history.ts";
export {
  budgetLambdaSchema,
  calibratedThresholdSchema,
  embedderSpecSchema,
  qualityCalibrationSchema,
  routerCandidateSchema,
  routerManifestSchema,
} from "./run-files/router-manifest.ts";
export type { EmbedderSpec, RouterManifest, RouterManifestThreshold } from "./run-files/router-manifest.ts";
export { calibrationFileSchema, curvePointSchema, curveSummarySchema, evaluationResultSchema, thresholdMetricsSchema, winRatesFileSchema } from "./run-files/evaluation-files.ts";
export type { CalibrationFileContents, EvaluationResultContents } from "./run-files/evaluation-files.ts";
export { runEmbeddingsManifestSchema } from "./run-files/embeddings-manifest.ts";
export type { RunEmbeddingsManifest } from "./run-files/embeddings-manifest.ts";
export { parseRunFile, readRunFile, writeRunFile } from "./run-files/run-file-io.ts";
export type { ReadRunFileOptions } from "./run-files/run-file-io.ts";
export { parseSafetensors, readSafetensors, SAFETENSORS_DTYPES, SAFETENSORS_ERROR_CODES, serializeSafetensors, writeSafetensors } from "./safetensors.ts";
export type { SafetensorsDtype, SafetensorsFile, SafetensorsTensor, SafetensorsTensorInput } from "./safetensors.ts";
export { frontierFileSchema } from "./run-files/frontier-file.ts";
export type { FrontierFile } from "./run-files/frontier-file.ts";
