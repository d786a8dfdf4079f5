import { readRunFile, runPaths, type DatasetManifest } from "@muffler/core";
import { datasetManifestSchema } from "./dataset-manifest.ts";
import { DATA_ERROR_CODES } from "./errors.ts";

/**
 * Reads and validates `<runDirectory>/dataset/manifest.json`.
 * @throws MufflerError `data/missing-dataset` when it is absent or does not validate.
 */
export async function readDatasetManifest(runDirectory: string): Promise<DatasetManifest> {
  const path = runPaths(runDirectory).dataset.manifest;
  return readRunFile({
    path,
    schema: datasetManifestSchema,
    code: DATA_ERROR_CODES.missingDataset,
    hint: `Run \`muffler prepare --run ${runDirectory} ...\` (again) to write the dataset.`,
  });
}
