import { MufflerError, runPaths } from "@muffler/core";
import { readFile } from "node:fs/promises";
import { type DatasetManifest, datasetManifestSchema } from "./dataset-manifest.ts";
import { DATA_ERROR_CODES } from "./errors.ts";

/**
 * Reads and validates `<runDirectory>/dataset/manifest.json`.
 * @throws MufflerError `data/missing-dataset` when it is absent or does not validate.
 */
export async function readDatasetManifest(runDirectory: string): Promise<DatasetManifest> {
  const path = runPaths(runDirectory).dataset.manifest;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new MufflerError("the run directory holds no prepared dataset.", { code: DATA_ERROR_CODES.missingDataset, file: path, hint: "Run `muffler prepare --run <dir> ...` first.", cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MufflerError("the dataset manifest is not valid JSON.", { code: DATA_ERROR_CODES.missingDataset, file: path, hint: "Prepare the dataset again.", cause: error });
  }
  const parsed = datasetManifestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MufflerError(`the dataset manifest is invalid: ${issue.message}.`, { code: DATA_ERROR_CODES.missingDataset, file: path, field: issue.path.join("."), hint: "Prepare the dataset again." });
  }
  return parsed.data as DatasetManifest;
}
