import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { runPaths, sha256File } from "@muffler/core";
import { prepareDataset } from "@muffler/data";
import { runEmbeddingsPaths } from "@muffler/embeddings";
import { calibrateRun, evaluateRun } from "@muffler/evaluation";
import { buildReport } from "@muffler/report";
import { runEmbed } from "../commands/embed.ts";
import { runTrain } from "../commands/train.ts";
import { createProgressBar } from "../progress-bar.ts";
import type { RunConfig } from "./run-config.ts";
import type { StageDefinition } from "./run-pipeline.ts";

/** What every stage of `muffler run` sees. */
export interface PipelineContext {
  config: RunConfig;
  runDirectory: string;
  /** No progress bars (for `--json`). */
  quiet: boolean;
}

/** The pipeline: prepare -> embed -> train -> calibrate -> evaluate -> report, each over the run directory. */
export const PIPELINE: StageDefinition<PipelineContext>[] = [
  {
    name: "prepare",
    enabled: () => true,
    async inputs({ config }) {
      const input = config.data.input;
      const local = !input.startsWith("hf:") && existsSync(input) && (await stat(input)).isFile();
      return { data: config.data, inputHash: local ? await sha256File(input) : input };
    },
    outputsExist: async ({ runDirectory }) => existsSync(runPaths(runDirectory).dataset.manifest),
    async execute({ config, runDirectory, quiet }) {
      const bar = createProgressBar({ enabled: !quiet });
      try {
        const { data } = config;
        const result = await prepareDataset({
          input: data.input,
          runDirectory,
          ...(data.strongModel !== undefined && { strongModel: data.strongModel }),
          ...(data.weakModel !== undefined && { weakModel: data.weakModel }),
          ...(data.tiePolicy !== undefined && { tiePolicy: data.tiePolicy }),
          ...(data.splitRatio !== undefined && { splitRatio: data.splitRatio }),
          ...(data.shuffle !== undefined && { shuffle: data.shuffle }),
          ...(data.balance !== undefined && { balance: data.balance }),
          ...(data.seed !== undefined && { seed: data.seed }),
          hub: { ...(data.revision !== undefined && { revision: data.revision }), ...(data.offline !== undefined && { offline: data.offline }) },
          onProgress: bar.onProgress,
        });
        return { models: result.manifest.models, rows: result.manifest.rows };
      } finally {
        bar.finish();
      }
    },
  },
  {
    name: "embed",
    enabled: () => true,
    inputs: ({ config }) => config.embeddings,
    outputsExist: async ({ runDirectory }) =>
      (["train", "test"] as const).every((split) => existsSync(runEmbeddingsPaths(runDirectory, split).data)),
    async execute({ config, runDirectory, quiet }) {
      const result = await runEmbed({
        run: runDirectory,
        embedder: config.embeddings.embedder,
        ...(config.embeddings.batchSize !== undefined && { batchSize: config.embeddings.batchSize }),
        ...(config.embeddings.cacheDirectory !== undefined && { cache: config.embeddings.cacheDirectory }),
        quiet,
      });
      return { embedderId: result.embedderId, dimension: result.dimension, parts: result.parts.map(({ part, rows, embedded, cached }) => ({ part, rows, embedded, cached })) };
    },
  },
  {
    name: "train",
    enabled: () => true,
    inputs: ({ config }) => config.training,
    outputsExist: async ({ runDirectory }) => existsSync(runPaths(runDirectory).router.manifest),
    async execute({ config, runDirectory, quiet }) {
      const { patience, validationRatio, ...options } = config.training;
      const result = await runTrain({
        runDirectory,
        // Typed options, each default @muffler/training's. A stage that reruns trains from scratch: its inputs
        // changed, so old checkpoints do not apply.
        options: { ...options, engine: "fused", ...(patience !== undefined && { earlyStoppingPatience: patience }), resume: false },
        ...(validationRatio !== undefined && { validationRatio }),
        quiet,
      });
      const best = result.history.epochs.find((epoch) => epoch.epoch === result.bestEpoch);
      return { bestEpoch: result.bestEpoch, validationLoss: best?.validationLoss, validationAccuracy: best?.validationAccuracy, examplesPerSecond: result.examplesPerSecond };
    },
  },
  {
    name: "calibrate",
    enabled: () => true,
    inputs: ({ config }) => config.calibration,
    outputsExist: async ({ runDirectory }) => existsSync(runPaths(runDirectory).evaluationFiles.calibration),
    async execute({ config, runDirectory, quiet }) {
      const bar = createProgressBar({ enabled: !quiet });
      try {
        const result = await calibrateRun({
          runDirectory,
          ...(config.calibration.strongPercents !== undefined && { strongPercents: config.calibration.strongPercents }),
          ...(config.embeddings.cacheDirectory !== undefined && { cacheDirectory: config.embeddings.cacheDirectory }),
          onProgress: bar.onProgress,
        });
        return { thresholds: result.calibration.thresholds.length, calibratedOn: result.calibratedOn };
      } finally {
        bar.finish();
      }
    },
  },
  {
    name: "evaluate",
    enabled: ({ config }) => config.evaluation.benchmarks.length > 0,
    inputs: ({ config }) => config.evaluation,
    outputsExist: async ({ config, runDirectory }) =>
      config.evaluation.benchmarks.every((benchmark) => existsSync(runPaths(runDirectory).evaluationFiles.benchmark(benchmarkName(benchmark)).metrics)),
    async execute({ config, runDirectory, quiet }) {
      const summary: Record<string, unknown> = {};
      for (const benchmark of config.evaluation.benchmarks) {
        const bar = createProgressBar({ enabled: !quiet });
        try {
          const router = await evaluateRun({
            runDirectory,
            benchmark,
            ...(config.embeddings.cacheDirectory !== undefined && { cacheDirectory: config.embeddings.cacheDirectory }),
            onProgress: bar.onProgress,
          });
          summary[router.benchmark] = { apgr: router.apgr, auc: router.auc, cpt50: router.cpt50 };
        } finally {
          bar.finish();
        }
      }
      return summary;
    },
  },
  {
    name: "report",
    enabled: ({ config }) => config.report.enabled,
    inputs: () => ({}),
    outputsExist: async ({ runDirectory }) => existsSync(runPaths(runDirectory).report),
    async execute({ runDirectory, config }) {
      const outputPath = runPaths(runDirectory).report;
      const report = await buildReport({ runDirectories: [runDirectory], outputPath, title: `Muffler report: ${config.name}` });
      return { path: resolve(outputPath), missingSections: report.missingSections };
    },
  },
];

/** The folder name evaluation files use for a benchmark path (as `loadBenchmark` names it). */
function benchmarkName(path: string): string {
  return basename(path).replace(/\.(csv|jsonl)$/i, "");
}
