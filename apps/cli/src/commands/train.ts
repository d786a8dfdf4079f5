import { MufflerError } from "@muffler/core";
import { DEFAULT_VALIDATION_RATIO } from "@muffler/data";
import {
  DEFAULT_TRAINING_OPTIONS as DEFAULTS,
  TRAINING_ENGINES,
  TRAINING_ERROR_CODES,
  trainRun,
  type EpochRecord,
  type TrainingEngineName,
  type TrainingOptions,
  type TrainRunOptions,
  type TrainRunResult,
} from "@muffler/training";
import { Command } from "commander";
import { formatTable, printResult } from "../cli-output.ts";
import { parseNumberFlag } from "../parse-flags.ts";
import { createProgressBar } from "../progress-bar.ts";

interface TrainFlags {
  run: string;
  epochs?: string;
  batchSize?: string;
  learningRate?: string;
  weightDecay?: string;
  noise?: string;
  hidden?: string;
  seed?: string;
  engine?: string;
  patience?: string;
  reduceLrOnPlateau?: boolean;
  validationRatio?: string;
  strong?: string;
  weak?: string;
  resume: boolean;
  json?: boolean;
}

/** What `muffler train` prints with `--json`. */
export type TrainCommandResult = TrainRunResult;

/** `muffler train`: trains the MF router on a prepared, embedded run and writes `training/` and `router/`. */
export function trainCommand(): Command {
  return new Command("train")
    .description("Train the matrix-factorization router on a prepared and embedded run; write training/history.json, checkpoints and router/.")
    .requiredOption("--run <dir>", "the run directory (after `muffler prepare` and `muffler embed`)")
    .option("--epochs <n>", `epochs (default ${DEFAULTS.epochs})`)
    .option("--batch-size <n>", `battles per step (default ${DEFAULTS.batchSize})`)
    .option("--learning-rate <x>", `Adam's learning rate (default ${DEFAULTS.learningRate})`)
    .option("--weight-decay <x>", `L2 weight decay added to the gradient, PyTorch Adam (default ${DEFAULTS.weightDecay})`)
    .option("--noise <sigma>", `Gaussian noise on prompt embeddings during training only; RouteLLM uses 0.1 (default ${DEFAULTS.noise})`)
    .option("--hidden <n>", `H, the model-embedding size (default ${DEFAULTS.hidden})`)
    .option("--seed <n>", `seed of the initialization, shuffles, noise and the validation split (default ${DEFAULTS.seed})`)
    .option("--engine <name>", `training engine: ${TRAINING_ENGINES.join(", ")} (default ${DEFAULTS.engine})`)
    .option("--validation-ratio <x>", `share of the train split (by prompt) that picks the best epoch and drives --patience; the test split is not used (default ${DEFAULT_VALIDATION_RATIO})`)
    .option("--patience <n>", "stop after n epochs without a better validation loss")
    .option("--reduce-lr-on-plateau", "divide the learning rate by 10 after 10 epochs without improvement (PyTorch defaults)")
    .option("--strong <model>", "the strong model (default: the dataset manifest's)")
    .option("--weak <model>", "the weak model (default: the dataset manifest's)")
    .option("--no-resume", "start over instead of resuming from training/checkpoints")
    .option("--json", "print the result as JSON")
    .action(async (flags: TrainFlags) => {
      const result = await runTrain({ ...trainOptionsFrom(flags), quiet: flags.json === true });
      printResult(flags, result, () => summary(result));
    });
}

/** The typed options of `trainRun` from the flags: parsing only, every default is @muffler/training's. */
export function trainOptionsFrom(flags: TrainFlags): TrainRunOptions {
  const engine = flags.engine;
  if (engine !== undefined && !(TRAINING_ENGINES as readonly string[]).includes(engine)) {
    throw new MufflerError(`--engine must be one of ${TRAINING_ENGINES.join(", ")}, got ${JSON.stringify(flags.engine)}.`, { code: TRAINING_ERROR_CODES.invalidOptions, field: "--engine" });
  }
  const code = TRAINING_ERROR_CODES.invalidOptions;
  const number = (value: string | undefined, flag: string, integer = false) => parseNumberFlag(value, flag, { integer, code });
  const options: TrainingOptions = {};
  const set = <K extends keyof TrainingOptions>(key: K, value: TrainingOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  set("epochs", number(flags.epochs, "--epochs", true));
  set("batchSize", number(flags.batchSize, "--batch-size", true));
  set("learningRate", number(flags.learningRate, "--learning-rate"));
  set("weightDecay", number(flags.weightDecay, "--weight-decay"));
  set("noise", number(flags.noise, "--noise"));
  set("hidden", number(flags.hidden, "--hidden", true));
  set("seed", number(flags.seed, "--seed", true));
  set("engine", engine as TrainingEngineName | undefined);
  set("earlyStoppingPatience", number(flags.patience, "--patience", true));
  if (flags.reduceLrOnPlateau === true) options.reduceLrOnPlateau = true;
  options.resume = flags.resume;
  const validationRatio = parseNumberFlag(flags.validationRatio, "--validation-ratio", { code });
  return {
    runDirectory: flags.run,
    options,
    ...(validationRatio !== undefined && { validationRatio }),
    ...(flags.strong !== undefined && { strongModel: flags.strong }),
    ...(flags.weak !== undefined && { weakModel: flags.weak }),
  };
}

/** Runs `trainRun` with a progress bar and Ctrl-C as its abort signal. */
export async function runTrain(options: TrainRunOptions & { quiet?: boolean }): Promise<TrainRunResult> {
  const controller = new AbortController();
  const stop = () => controller.abort(new Error("interrupted (SIGINT)"));
  process.once("SIGINT", stop);
  const bar = createProgressBar({ enabled: options.quiet !== true });
  try {
    const { quiet: _quiet, ...rest } = options;
    return await trainRun({ ...rest, onProgress: bar.onProgress, signal: controller.signal });
  } finally {
    bar.finish();
    process.removeListener("SIGINT", stop);
  }
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
