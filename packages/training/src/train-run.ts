import { MufflerError, runPaths, trainingHistorySchema, writeRunFile, type OnProgress } from "@muffler/core";
import { DEFAULT_VALIDATION_RATIO, readDatasetManifest, readPreparedBattles, splitValidation } from "@muffler/data";
import { hashPrompts, readRunEmbeddings } from "@muffler/embeddings";
import { saveRouterBundle, type RouterManifest } from "@muffler/model";
import { TRAINING_ERROR_CODES } from "./errors.ts";
import { train } from "./train.ts";
import type { TrainingHistory } from "./training-history.ts";
import { DEFAULT_TRAINING_OPTIONS, type TrainingEngineName, type TrainingOptions } from "./training-options.ts";

/** Options of {@link trainRun}. */
export interface TrainRunOptions {
  /** A prepared and embedded run directory. */
  runDirectory: string;
  /** Passed to {@link train} (each field's default is `trainingOptionsSchema`'s). @default {} */
  options?: Omit<TrainingOptions, "checkpointDirectory">;
  /**
   * Share of the TRAIN split's battles carved off (by prompt, seeded with `options.seed`) as the validation split
   * that chooses the best epoch and drives early stopping. The test split is never read here.
   * @default DEFAULT_VALIDATION_RATIO of @muffler/data (0.05)
   */
  validationRatio?: number;
  /** @default the dataset manifest's strong model */
  strongModel?: string;
  /** @default the dataset manifest's weak model */
  weakModel?: string;
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/** What {@link trainRun} did. */
export interface TrainRunResult {
  run: string;
  engine: TrainingEngineName;
  models: string[];
  strongModel: string;
  weakModel: string;
  embedderId: string;
  dimension: number;
  trainBattles: number;
  validationBattles: number;
  validationRatio: number;
  bestEpoch: number;
  stoppedEarly: boolean;
  resumedFromEpoch: number | null;
  seconds: number;
  examplesPerSecond: number;
  history: TrainingHistory;
  files: { history: string; checkpoints: string; router: string };
}

/**
 * Trains the MF router of a run directory: the train split minus a seeded validation split (grouped by prompt) trains
 * it, the validation split picks the best epoch (and stops early when asked), and `training/history.json`,
 * `training/checkpoints/` and `router/` are written. Calibration and reporting use the test split, which training
 * never sees.
 */
export async function trainRun(input: TrainRunOptions): Promise<TrainRunResult> {
  const run = input.runDirectory;
  const options: TrainingOptions = { ...input.options };
  const seed = options.seed ?? DEFAULT_TRAINING_OPTIONS.seed;
  const validationRatio = input.validationRatio ?? DEFAULT_VALIDATION_RATIO;
  const paths = runPaths(run);
  const dataset = await readDatasetManifest(run);
  const strongModel = input.strongModel ?? dataset.strongModel;
  const weakModel = input.weakModel ?? dataset.weakModel;
  for (const [field, model] of [["strongModel", strongModel], ["weakModel", weakModel]] as const) {
    if (model === undefined || !dataset.models.includes(model)) {
      throw new MufflerError(
        model === undefined ? `The dataset names no ${field === "strongModel" ? "strong" : "weak"} model.` : `${field} "${model}" is not one of the dataset's models (${dataset.models.join(", ")}).`,
        { code: TRAINING_ERROR_CODES.invalidOptions, field, hint: `Name one of ${dataset.models.join(", ")}.` },
      );
    }
  }
  const [prepared, embeddings] = await Promise.all([readPreparedBattles(run, "train"), readRunEmbeddings(run, "train")]);
  if (embeddings.rows !== prepared.prompts.length || embeddings.promptsHash !== hashPrompts(prepared.prompts)) {
    throw new MufflerError(`The train embeddings (${embeddings.rows} rows) belong to other prompts than the train split's ${prepared.prompts.length}: the run was prepared again after embedding.`, {
      code: TRAINING_ERROR_CODES.invalidData,
      file: paths.embeddings,
      hint: "Embed the run again: muffler embed --run <dir>.",
    });
  }
  const { train: battles, validation } = splitValidation({ battles: prepared, validationRatio, seed });

  const started = performance.now();
  const result = await train({
    models: dataset.models,
    dimension: embeddings.dimension,
    battles,
    embeddings: embeddings.data,
    validation: { battles: validation, embeddings: embeddings.data },
    options: { ...options, checkpointDirectory: paths.training.checkpoints },
    ...(input.onProgress !== undefined && { onProgress: input.onProgress }),
    ...(input.signal !== undefined && { signal: input.signal }),
  });
  const seconds = (performance.now() - started) / 1000;
  await writeRunFile({ path: paths.training.history, schema: trainingHistorySchema, value: result.history });
  const best = result.history.epochs.find((epoch) => epoch.epoch === result.history.bestEpoch);
  const manifest: RouterManifest = {
    format: "muffler-router",
    version: 1,
    models: dataset.models,
    strongModel: strongModel!,
    weakModel: weakModel!,
    hidden: result.parameters.hidden,
    dimension: result.parameters.dimension,
    // { name, options } as embed stored them, so that createEmbedder(manifest.embedder) rebuilds the same embedder.
    embedder: { ...embeddings.embedder, id: embeddings.embedderId, dimension: embeddings.dimension },
    training: {
      ...result.options,
      checkpointDirectory: undefined,
      resume: undefined,
      bestEpoch: result.history.bestEpoch,
      trainBattles: battles.winnerIds.length,
      validationBattles: validation.winnerIds.length,
      validationRatio,
      validationSplit: "carved from train by prompt (seeded with seed)",
    },
    dataHash: dataset.inputHash,
    metrics: {
      ...(best !== undefined && { trainLoss: best.trainLoss }),
      ...(best?.validationLoss !== undefined && { validationLoss: best.validationLoss }),
      ...(best?.validationAccuracy !== undefined && { validationAccuracy: best.validationAccuracy }),
    },
  };
  await saveRouterBundle(paths.router.root, { parameters: result.parameters, manifest });
  const trainedEpochs = result.history.epochs.filter((epoch) => result.resumedFromEpoch === undefined || epoch.epoch > result.resumedFromEpoch);
  const trainSeconds = trainedEpochs.reduce((sum, epoch) => sum + epoch.seconds, 0);
  return {
    run,
    engine: result.options.engine,
    models: dataset.models,
    strongModel: strongModel!,
    weakModel: weakModel!,
    embedderId: embeddings.embedderId,
    dimension: embeddings.dimension,
    trainBattles: battles.winnerIds.length,
    validationBattles: validation.winnerIds.length,
    validationRatio,
    bestEpoch: result.history.bestEpoch,
    stoppedEarly: result.stoppedEarly,
    resumedFromEpoch: result.resumedFromEpoch ?? null,
    seconds: Number(seconds.toFixed(3)),
    examplesPerSecond: trainSeconds > 0 ? Math.round((trainedEpochs.length * battles.winnerIds.length) / trainSeconds) : 0,
    history: result.history,
    files: { history: paths.training.history, checkpoints: paths.training.checkpoints, router: paths.router.root },
  };
}
