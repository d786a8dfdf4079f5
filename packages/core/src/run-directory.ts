import { join } from "node:path";

/**
 * The paths of a run directory, the contract between stages (see ARCHITECTURE.md). Every stage reads and writes
 * through these names, so the layout lives in one place.
 */
export function runPaths(runDirectory: string) {
  const dataset = join(runDirectory, "dataset");
  const training = join(runDirectory, "training");
  const router = join(runDirectory, "router");
  return {
    root: runDirectory,
    runJson: join(runDirectory, "run.json"),
    dataset: {
      root: dataset,
      rawTrain: join(dataset, "raw", "train.parquet"),
      rawTest: join(dataset, "raw", "test.parquet"),
      encodedTrain: join(dataset, "encoded", "train.parquet"),
      encodedTest: join(dataset, "encoded", "test.parquet"),
      manifest: join(dataset, "manifest.json"),
    },
    embeddings: join(runDirectory, "embeddings"),
    training: {
      root: training,
      history: join(training, "history.json"),
      checkpoints: join(training, "checkpoints"),
    },
    router: {
      root: router,
      weights: join(router, "router.safetensors"),
      manifest: join(router, "router.json"),
    },
    evaluation: (benchmark: string) => join(runDirectory, "evaluation", benchmark),
    report: join(runDirectory, "report", "index.html"),
  } as const;
}

export type RunPaths = ReturnType<typeof runPaths>;
