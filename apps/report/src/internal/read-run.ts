import { readdir, readFile, stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { MufflerError, runPaths } from "@muffler/core";
import type { z } from "zod";
import { REPORT_ERROR_CODES } from "../errors.ts";
import {
  type Calibration,
  type DatasetManifest,
  type EvaluationResult,
  type RouterManifest,
  type TrainingHistory,
  calibrationSchema,
  datasetManifestSchema,
  evaluationResultSchema,
  type FrontierFile,
  frontierFileSchema,
  routerManifestSchema,
  trainingHistorySchema,
  winRatesSchema,
} from "./schemas.ts";

/** A file the report reads: its value when present and valid, or `missing` when the stage has not written it yet. */
export type FileSection<T> = { status: "ok"; file: string; value: T } | { status: "missing"; file: string };

/** The evaluation of one benchmark: `evaluation/<directory>/metrics.json` and `win-rates.json`. */
export interface BenchmarkData {
  /** The folder name under `evaluation/`. */
  directory: string;
  metrics: FileSection<EvaluationResult>;
  winRates: FileSection<number[]>;
}

/** Everything the report reads from one run directory. */
export interface RunData {
  /** A short name for legends and tables (the folder name, made unique among the runs shown). */
  name: string;
  directory: string;
  dataset: FileSection<DatasetManifest>;
  history: FileSection<TrainingHistory>;
  router: FileSection<RouterManifest>;
  calibration: FileSection<Calibration>;
  /** The benchmarks found under `evaluation/`, sorted by folder name. */
  benchmarks: BenchmarkData[];
  /** The priced (N-model) evaluations found under `evaluation/` (`frontier.json`), sorted by folder name. */
  frontiers: { directory: string; frontier: FrontierFile }[];
}

/**
 * Reads the files of a run directory that the report shows. A missing file gives a `missing` section; a file that is
 * present but unreadable, not JSON or not in its format throws a MufflerError naming the file and the field.
 */
export async function readRun(options: { runDirectory: string; name?: string }): Promise<RunData> {
  const directory = options.runDirectory;
  const info = await stat(directory).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new MufflerError(`the run directory ${directory} does not exist or is not a directory.`, {
      code: REPORT_ERROR_CODES.runNotFound,
      file: directory,
      hint: "Pass the folder a `muffler run` or `muffler prepare` wrote (for example runs/demo).",
    });
  }
  const paths = runPaths(directory);
  const benchmarkDirectories = await listDirectories(paths.evaluationFiles.root);
  const benchmarks = await Promise.all(
    benchmarkDirectories.map(async (name): Promise<BenchmarkData> => {
      const files = paths.evaluationFiles.benchmark(name);
      return {
        directory: name,
        metrics: await readJsonFile(files.metrics, evaluationResultSchema),
        winRates: await readJsonFile(files.winRates, winRatesSchema),
      };
    }),
  );
  const frontiers: { directory: string; frontier: FrontierFile }[] = [];
  for (const name of benchmarkDirectories) {
    const file = await readJsonFile(paths.evaluationFiles.benchmark(name).frontier, frontierFileSchema);
    if (file.status === "ok") frontiers.push({ directory: name, frontier: file.value });
  }
  return {
    name: options.name ?? basename(resolve(directory)),
    directory,
    dataset: await readJsonFile(paths.dataset.manifest, datasetManifestSchema),
    history: await readJsonFile(paths.training.history, trainingHistorySchema),
    router: await readJsonFile(paths.router.manifest, routerManifestSchema),
    calibration: await readJsonFile(paths.evaluationFiles.calibration, calibrationSchema),
    benchmarks: benchmarks.filter((benchmark) => benchmark.metrics.status === "ok" || benchmark.winRates.status === "ok"),
    frontiers,
  };
}

async function listDirectories(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" || error.code === "ENOTDIR") return [];
    throw new MufflerError(`could not list ${folder}: ${error.message}`, { code: REPORT_ERROR_CODES.unreadableFile, file: folder, cause: error });
  });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Reads and validates one JSON file; `missing` when it does not exist. */
export async function readJsonFile<Schema extends z.ZodType>(file: string, schema: Schema): Promise<FileSection<z.infer<Schema>>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { status: "missing", file };
    throw new MufflerError(`could not read the file: ${(error as Error).message}`, {
      code: REPORT_ERROR_CODES.unreadableFile,
      file,
      hint: "Check the file's permissions, or delete it and rerun the stage that writes it.",
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MufflerError(`the file is not valid JSON (${(error as Error).message}).`, {
      code: REPORT_ERROR_CODES.malformedFile,
      file,
      hint: "Rerun the stage that writes it (an interrupted write outside Muffler can leave a truncated file).",
      cause: error,
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join(".") || "(the whole file)";
    throw new MufflerError(`${issue.message}.`, {
      code: REPORT_ERROR_CODES.malformedFile,
      file,
      field,
      hint: "The file does not match the format in docs/interfaces.md; rerun the stage that writes it with this version of Muffler.",
      cause: parsed.error,
    });
  }
  return { status: "ok", file, value: parsed.data as z.infer<Schema> };
}
