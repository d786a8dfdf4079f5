import { join } from "node:path";

/** The splits of a prepared dataset, as its file names spell them. */
export type RunSplit = "train" | "test";

/** The files of `dataset/` (prepare writes them into a temporary folder first, then renames it: `datasetPaths(temporary)`). */
export function datasetPaths(datasetDirectory: string) {
  return {
    root: datasetDirectory,
    rawTrain: join(datasetDirectory, "raw", "train.parquet"),
    rawTest: join(datasetDirectory, "raw", "test.parquet"),
    encodedTrain: join(datasetDirectory, "encoded", "train.parquet"),
    encodedTest: join(datasetDirectory, "encoded", "test.parquet"),
    raw: (split: RunSplit) => join(datasetDirectory, "raw", `${split}.parquet`),
    encoded: (split: RunSplit) => join(datasetDirectory, "encoded", `${split}.parquet`),
    manifest: join(datasetDirectory, "manifest.json"),
  } as const;
}

/** The files of a router bundle: everything `muffler serve` needs (`runs/<name>/router/` or any folder holding them). */
export function routerBundlePaths(routerDirectory: string) {
  return {
    root: routerDirectory,
    weights: join(routerDirectory, "router.safetensors"),
    manifest: join(routerDirectory, "router.json"),
  } as const;
}

/** The files of `evaluation/`: the calibration and one folder per benchmark. */
export function evaluationPaths(evaluationDirectory: string) {
  return {
    root: evaluationDirectory,
    calibration: join(evaluationDirectory, "calibration.json"),
    /** The folder of one benchmark's evaluation and its three files. */
    benchmark: (name: string) => {
      const root = join(evaluationDirectory, name);
      return {
        root,
        metrics: join(root, "metrics.json"),
        curve: join(root, "curve.csv"),
        winRates: join(root, "win-rates.json"),
        /** The N-model priced evaluation (frontierFileSchema) and its points as CSV. */
        frontier: join(root, "frontier.json"),
        frontierCsv: join(root, "frontier.csv"),
      } as const;
    },
  } as const;
}

/** The files of `embeddings/`: one vectors file and its manifest per split, and the default cache folder. */
export function embeddingsPaths(embeddingsDirectory: string) {
  return {
    root: embeddingsDirectory,
    cache: join(embeddingsDirectory, "cache"),
    split: (split: RunSplit) => ({ data: join(embeddingsDirectory, `${split}.f32`), manifest: join(embeddingsDirectory, `${split}.json`) }) as const,
  } as const;
}

/**
 * The paths of a run directory, the contract between stages (see ARCHITECTURE.md and docs/decisions/0012). Every
 * stage reads and writes through these names, so the layout lives in one place; the schema of each JSON file is in
 * `run-files/` beside this file.
 */
export function runPaths(runDirectory: string) {
  const training = join(runDirectory, "training");
  const evaluation = evaluationPaths(join(runDirectory, "evaluation"));
  const embeddings = embeddingsPaths(join(runDirectory, "embeddings"));
  return {
    root: runDirectory,
    runJson: join(runDirectory, "run.json"),
    dataset: datasetPaths(join(runDirectory, "dataset")),
    /** The embeddings folder (its files: `embeddingsFiles`). */
    embeddings: embeddings.root,
    embeddingsFiles: embeddings,
    training: {
      root: training,
      history: join(training, "history.json"),
      checkpoints: join(training, "checkpoints"),
    },
    router: routerBundlePaths(join(runDirectory, "router")),
    /** The folder of one benchmark's evaluation (its files: `evaluationFiles.benchmark(name)`). */
    evaluation: (benchmark: string) => evaluation.benchmark(benchmark).root,
    evaluationFiles: evaluation,
    report: join(runDirectory, "report", "index.html"),
  } as const;
}

export type RunPaths = ReturnType<typeof runPaths>;
