import { MufflerError, runPaths, writeJsonAtomic } from "@muffler/core";
import { readDatasetManifest, readPreparedBattles } from "@muffler/data";
import { hashPrompts, readRunEmbeddings } from "@muffler/embeddings";
import { saveRouterBundle, type RouterManifest } from "@muffler/model";
import { train, TRAINING_ENGINES, TRAINING_ERROR_CODES, type EpochRecord, type TrainingEngineName, type TrainingHistory } from "@muffler/training";
import { Command } from "commander";
import { formatTable, printResult } from "../cli-output.ts";
import { createProgressBar } from "../progress-bar.ts";

interface TrainFlags {
  run: string;
  epochs: string;
  batchSize: string;
  learningRate: string;
  weightDecay: string;
  noise: string;
  hidden: string;
  seed: string;
  engine: string;
  patience?: string;
  reduceLrOnPlateau?: boolean;
  strong?: string;
  weak?: string;
  resume: boolean;
  json?: boolean;
}

/** What `muffler train` prints with `--json`. */
export interface TrainCommandResult {
  run: string;
  engine: TrainingEngineName;
  models: string[];
  strongModel: string;
  weakModel: string;
  embedderId: string;
  dimension: number;
  trainBattles: number;
  validationBattles: number;
  bestEpoch: number;
  stoppedEarly: boolean;
  resumedFromEpoch: number | null;
  seconds: number;
  examplesPerSecond: number;
  history: TrainingHistory;
  files: { history: string; checkpoints: string; router: string };
}

/** `muffler train`: trains the MF router on a prepared, embedded run and writes `training/` and `router/`. */
export function trainCommand(): Command {
  return new Command("train")
    .description("Train the matrix-factorization router on a prepared and embedded run; write training/history.json, checkpoints and router/.")
    .requiredOption("--run <dir>", "the run directory (after `muffler prepare` and `muffler embed`)")
    .option("--epochs <n>", "epochs", "10")
    .option("--batch-size <n>", "battles per step", "64")
    .option("--learning-rate <x>", "Adam's learning rate", "3e-4")
    .option("--weight-decay <x>", "L2 weight decay added to the gradient (PyTorch Adam)", "1e-5")
    .option("--noise <sigma>", "Gaussian noise on prompt embeddings during training only (RouteLLM uses 0.1)", "0")
    .option("--hidden <n>", "H, the model-embedding size", "128")
    .option("--seed <n>", "seed of the initialization, shuffles and noise", "0")
    .option("--engine <name>", `training engine: ${TRAINING_ENGINES.join(", ")}`, "fused")
    .option("--patience <n>", "stop after n epochs without a better validation loss")
    .option("--reduce-lr-on-plateau", "divide the learning rate by 10 after 10 epochs without improvement (PyTorch defaults)")
    .option("--strong <model>", "the strong model (default: the dataset manifest's)")
    .option("--weak <model>", "the weak model (default: the dataset manifest's)")
    .option("--no-resume", "start over instead of resuming from training/checkpoints")
    .option("--json", "print the result as JSON")
    .action(async (flags: TrainFlags) => {
      const result = await runTrain(flags);
      printResult(flags, result, () => summary(result));
    });
}

export async function runTrain(flags: TrainFlags): Promise<TrainCommandResult> {
  const engine = flags.engine as TrainingEngineName;
  if (!(TRAINING_ENGINES as readonly string[]).includes(engine)) {
    throw new MufflerError(`--engine must be one of ${TRAINING_ENGINES.join(", ")}, got ${JSON.stringify(flags.engine)}.`, { code: TRAINING_ERROR_CODES.invalidOptions, field: "--engine" });
  }
  const options = {
    epochs: parseNumber(flags.epochs, "--epochs"),
    batchSize: parseNumber(flags.batchSize, "--batch-size"),
    learningRate: parseNumber(flags.learningRate, "--learning-rate"),
    weightDecay: parseNumber(flags.weightDecay, "--weight-decay"),
    noise: parseNumber(flags.noise, "--noise"),
    hidden: parseNumber(flags.hidden, "--hidden"),
    seed: parseNumber(flags.seed, "--seed"),
    engine,
    ...(flags.patience !== undefined && { earlyStoppingPatience: parseNumber(flags.patience, "--patience") }),
    ...(flags.reduceLrOnPlateau === true && { reduceLrOnPlateau: true }),
  };
  const paths = runPaths(flags.run);
  const dataset = await readDatasetManifest(flags.run);
  const strongModel = flags.strong ?? dataset.strongModel;
  const weakModel = flags.weak ?? dataset.weakModel;
  for (const [flag, model] of [["--strong", strongModel], ["--weak", weakModel]] as const) {
    if (model === undefined || !dataset.models.includes(model)) {
      throw new MufflerError(
        model === undefined ? `The dataset names no ${flag.slice(2)} model.` : `${flag} "${model}" is not one of the dataset's models (${dataset.models.join(", ")}).`,
        { code: TRAINING_ERROR_CODES.invalidOptions, field: flag, hint: `Pass ${flag} <model>, one of ${dataset.models.join(", ")}.` },
      );
    }
  }
  const [battles, validation, embeddings, validationEmbeddings] = await Promise.all([
    readPreparedBattles(flags.run, "train"),
    readPreparedBattles(flags.run, "test"),
    readRunEmbeddings(flags.run, "train"),
    readRunEmbeddings(flags.run, "test"),
  ]);
  for (const [split, prepared, embedded] of [["train", battles, embeddings], ["test", validation, validationEmbeddings]] as const) {
    if (embedded.rows !== prepared.prompts.length || embedded.promptsHash !== hashPrompts(prepared.prompts)) {
      throw new MufflerError(`The ${split} embeddings (${embedded.rows} rows) belong to other prompts than the ${split} split's ${prepared.prompts.length}: the run was prepared again after embedding.`, {
        code: TRAINING_ERROR_CODES.invalidData,
        file: paths.embeddings,
        hint: "Embed the run again: muffler embed --run <dir>.",
      });
    }
  }
  if (validationEmbeddings.embedderId !== embeddings.embedderId || validationEmbeddings.dimension !== embeddings.dimension) {
    throw new MufflerError(`The train embeddings (${embeddings.embedderId}) and test embeddings (${validationEmbeddings.embedderId}) come from different embedders.`, {
      code: TRAINING_ERROR_CODES.invalidData,
      file: paths.embeddings,
      hint: "Embed the run again: muffler embed --run <dir>.",
    });
  }

  const controller = new AbortController();
  const stop = () => controller.abort(new Error("interrupted (SIGINT)"));
  process.once("SIGINT", stop);
  const bar = createProgressBar({ enabled: !flags.json });
  const started = performance.now();
  let result;
  try {
    result = await train({
      models: dataset.models,
      dimension: embeddings.dimension,
      battles,
      embeddings: embeddings.data,
      validation: { battles: validation, embeddings: validationEmbeddings.data },
      options: { ...options, checkpointDirectory: paths.training.checkpoints, resume: flags.resume },
      onProgress: bar.onProgress,
      signal: controller.signal,
    });
  } finally {
    bar.finish();
    process.removeListener("SIGINT", stop);
  }
  const seconds = (performance.now() - started) / 1000;
  await writeJsonAtomic(paths.training.history, result.history);
  const best = result.history.epochs.find((epoch) => epoch.epoch === result.history.bestEpoch);
  const manifest: RouterManifest = {
    format: "muffler-router",
    version: 1,
    models: dataset.models,
    strongModel: strongModel!,
    weakModel: weakModel!,
    hidden: result.parameters.hidden,
    dimension: result.parameters.dimension,
    embedder: { id: embeddings.embedderId, name: embeddings.embedderName, dimension: embeddings.dimension },
    training: { ...result.options, checkpointDirectory: undefined, resume: undefined, bestEpoch: result.history.bestEpoch, trainBattles: battles.winnerIds.length },
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
    run: flags.run,
    engine,
    models: dataset.models,
    strongModel: strongModel!,
    weakModel: weakModel!,
    embedderId: embeddings.embedderId,
    dimension: embeddings.dimension,
    trainBattles: battles.winnerIds.length,
    validationBattles: validation.winnerIds.length,
    bestEpoch: result.history.bestEpoch,
    stoppedEarly: result.stoppedEarly,
    resumedFromEpoch: result.resumedFromEpoch ?? null,
    seconds: Number(seconds.toFixed(3)),
    examplesPerSecond: trainSeconds > 0 ? Math.round((trainedEpochs.length * battles.winnerIds.length) / trainSeconds) : 0,
    history: result.history,
    files: { history: paths.training.history, checkpoints: paths.training.checkpoints, router: paths.router.root },
  };
}

function parseNumber(value: string, flag: string): number {
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number)) {
    throw new MufflerError(`${flag} must be a number, got ${JSON.stringify(value)}.`, { code: TRAINING_ERROR_CODES.invalidOptions, field: flag });
  }
  return number;
}

function summary(result: TrainCommandResult): string {
  const row = (epoch: EpochRecord): (string | number)[] => [
    epoch.epoch === result.history.bestEpoch ? `${epoch.epoch} *` : String(epoch.epoch),
    epoch.trainLoss,
    epoch.validationLoss ?? "-",
    epoch.validationAccuracy ?? "-",
    epoch.weightNorm,
    epoch.learningRate.toExponential(2),
    epoch.seconds,
  ];
  return [
    `trained ${result.models.length} models on ${result.trainBattles.toLocaleString("en-US")} battles (${result.embedderId}, ${result.dimension}-d), engine ${result.engine}` +
      (result.resumedFromEpoch !== null ? `, resumed after epoch ${result.resumedFromEpoch}` : ""),
    formatTable(["epoch", "train loss", "val loss", "val accuracy", "weight norm", "lr", "seconds"], result.history.epochs.map(row)),
    `best epoch ${result.history.bestEpoch}${result.stoppedEarly ? " (stopped early)" : ""}; ${result.examplesPerSecond.toLocaleString("en-US")} examples/s`,
    `router: ${result.files.router}  history: ${result.files.history}`,
  ].join("\n");
}
