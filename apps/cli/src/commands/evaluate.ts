import { MufflerError } from "@muffler/core";
import { GOLD_BATTLE_DEFAULTS, isPricedBenchmarkFolder, PRICED_TIE_POLICIES, TIE_POLICIES, type PricedTiePolicy, type TiePolicy } from "@muffler/data";
import {
  defaultTuningCandidates,
  evaluateBenchmark,
  EVALUATION_ERROR_CODES,
  runPricedEvaluate,
  TUNING_EPOCHS,
  TUNING_LEARNING_RATES,
  type BenchmarkEvaluation,
  type EvaluateBenchmarkOptions,
  type GoldRouterSettings,
  type PricedEvaluatePlan,
} from "@muffler/evaluation";
import { EVALUATION_POINTS, type EvaluationPoints } from "@muffler/metrics";
import { WEIGHT_DECAY_MODES, type TrainingOptions, type WeightDecayMode } from "@muffler/training";
import { Command } from "commander";
import { formatTable, printResult } from "../cli-output.ts";
import { collect, parseNumberFlag, parsePercentList } from "../parse-flags.ts";
import { createProgressBar } from "../progress-bar.ts";
import { pricedSummary } from "./priced-summary.ts";

interface EvaluateFlags {
  run: string[];
  benchmark: string;
  cv?: string;
  trainOn?: string;
  seed?: string;
  embedder?: string;
  cache: string;
  out?: string;
  ties?: string;
  passingScore?: string;
  epochs?: string;
  hidden?: string;
  noise?: string;
  learningRate?: string;
  weightDecay?: string;
  weightDecayMode?: string;
  weightDecayOnModels: boolean;
  batchSize?: string;
  ensemble?: string;
  tune?: boolean;
  contamination: boolean;
  evaluationPoints?: string;
  strongPercents?: string;
  json?: boolean;
  calibrationRidge?: string;
  saveRouter?: string;
}

/** `muffler evaluate`: routes a benchmark with trained runs, or cross-validates / transfers a gold-label router. */
export function evaluateCommand(): Command {
  return new Command("evaluate")
    .description(
      "Route every prompt of a RouteLLM benchmark and report the cost/quality curve, APGR, AUC and CPT(20/50/80%) beside the random and oracle routers.",
    )
    .requiredOption("--benchmark <path>", "MMLU folder, GSM8K CSV or MT-Bench judgements (contamination lists applied)")
    .option("--run <dir>", "a trained run to evaluate (repeat for several routers in one table)", collect, [])
    .option("--cv <k>", "gold-label k-fold cross-validation on the benchmark itself")
    .option("--train-on <path>", "train a gold-label router on this benchmark and evaluate it on --benchmark (transfer)")
    .option("--seed <n>", "seed of the folds and of training (default 0)")
    .option("--embedder <name>", "embedder for --cv / --train-on; join several with + (use-lite+lexical) (default use-lite)")
    .option("--cache <dir>", "shared embeddings cache", ".cache/embeddings")
    .option("--out <dir>", "where --cv / --train-on write evaluation/<benchmark>/ (default runs/evaluate/<name>)")
    .option("--ties <policy>", `gold ties in training: ${TIE_POLICIES.join(", ")} (default ${GOLD_BATTLE_DEFAULTS.tiePolicy})`)
    .option("--passing-score <x>", `equal scores at or above this are a weak win, not a tie (default ${GOLD_BATTLE_DEFAULTS.passingScore}: always a tie)`)
    .option("--epochs <n>", "training epochs (default: train()'s, 10)")
    .option("--hidden <n>", "H, the MF's hidden size (default 128)")
    .option("--noise <sd>", "Gaussian noise on prompt embeddings in training (default 0)")
    .option("--learning-rate <x>", "Adam's learning rate (default 3e-4)")
    .option("--weight-decay <x>", "weight decay (default 1e-5)")
    .option("--weight-decay-mode <mode>", `${WEIGHT_DECAY_MODES.join(" (torch Adam) or ")} (AdamW) (default l2)`)
    .option("--no-weight-decay-on-models", "do not decay P, the model embeddings")
    .option("--batch-size <n>", "training batch size (default 64)")
    .option("--ensemble <n>", "train n routers (seeds seed..seed+n-1) and average their logits into one MF (default 1)")
    .option("--tune", `choose epochs (${TUNING_EPOCHS.join("/")}) and learning rate (${TUNING_LEARNING_RATES.join("/")}) by nested 3-fold CV inside each training part (slow)`)
    .option("--no-contamination", "keep the prompts listed in contaminated_prompts.jsonl")
    .option("--evaluation-points <kind>", `${EVALUATION_POINTS.join(" or ")} (RouteLLM's 11 quantile-bin edges) (default ${EVALUATION_POINTS[0]})`)
    .option("--strong-percents <list>", "target strong percents of the curve (default 0,10,...,100)")
    .option("--calibration-ridge <x>", "priced benchmarks: the Platt slope penalty of each candidate's quality calibration, or cv (chosen by 5-fold CV on the calibration rows) (default cv)")
    .option("--save-router <dir>", "priced benchmarks with --train-on: also save the router trained there as a servable bundle (router.json lists the priced candidates)")
    .option("--json", "print the metrics as JSON")
    .action(async (flags: EvaluateFlags) => {
      const bar = createProgressBar({ enabled: !flags.json });
      if (await isPricedBenchmarkFolder(flags.benchmark)) {
        let priced;
        try {
          priced = await runPricedEvaluate({ ...pricedOptionsFrom(flags), onProgress: bar.onProgress });
        } finally {
          bar.finish();
        }
        printResult(flags, priced, () => pricedSummary(priced));
        return;
      }
      let result;
      try {
        result = await evaluateBenchmark({ ...optionsFrom(flags), onProgress: bar.onProgress });
      } finally {
        bar.finish();
      }
      const routers = result.routers;
      const json = routers.length === 1 ? routers[0] : { benchmark: result.benchmark.name, rows: result.benchmark.prompts.length, routers };
      printResult(flags, json, () => summary(routers));
    });
}

/** The plan of a priced (multi-model) benchmark: --cv or --train-on, the embedder and the training flags. */
function pricedOptionsFrom(flags: EvaluateFlags): PricedEvaluatePlan {
  if (flags.run.length > 0) {
    throw new MufflerError("--run evaluates two-model runs; a priced benchmark takes --cv <k> or --train-on <priced folder>.", { code: EVALUATION_ERROR_CODES.badOption, field: "--run" });
  }
  if (flags.ties !== undefined && !(PRICED_TIE_POLICIES as readonly string[]).includes(flags.ties)) {
    throw new MufflerError(`on a priced benchmark --ties must be one of ${PRICED_TIE_POLICIES.join(", ")}, got ${JSON.stringify(flags.ties)}.`, { code: EVALUATION_ERROR_CODES.badOption, field: "--ties" });
  }
  const options = optionsFrom({ ...flags, ties: undefined });
  return {
    benchmark: options.benchmark,
    ...(options.cv !== undefined && { cv: options.cv }),
    ...(options.trainOn !== undefined && { trainOn: options.trainOn }),
    ...(options.seed !== undefined && { seed: options.seed }),
    ...(options.embedder !== undefined && { embedder: options.embedder }),
    ...(options.cacheDirectory !== undefined && { cacheDirectory: options.cacheDirectory }),
    ...(options.outDirectory !== undefined && { outDirectory: options.outDirectory }),
    ...(flags.saveRouter !== undefined && { saveRouter: flags.saveRouter }),
    settings: {
      ...(flags.ties !== undefined && { ties: flags.ties as PricedTiePolicy }),
      training: options.settings?.training ?? {},
      calibrationRidge: flags.calibrationRidge === undefined || flags.calibrationRidge === "cv" ? ("cv" as const) : parseNumberFlag(flags.calibrationRidge, "--calibration-ridge", { min: 0 })!,
    },
  };
}

/** The typed options of `evaluateBenchmark` from the flags: parsing only, every default is the library's. */
function optionsFrom(flags: EvaluateFlags): EvaluateBenchmarkOptions {
  if (flags.ties !== undefined && !(TIE_POLICIES as readonly string[]).includes(flags.ties)) {
    throw new MufflerError(`--ties must be one of ${TIE_POLICIES.join(", ")}, got ${JSON.stringify(flags.ties)}.`, { code: EVALUATION_ERROR_CODES.badOption, field: "--ties" });
  }
  if (flags.evaluationPoints !== undefined && !(EVALUATION_POINTS as readonly string[]).includes(flags.evaluationPoints)) {
    throw new MufflerError(`--evaluation-points must be one of ${EVALUATION_POINTS.join(", ")}.`, { code: EVALUATION_ERROR_CODES.badOption, field: "--evaluation-points" });
  }
  if (flags.cv !== undefined && flags.trainOn !== undefined) {
    throw new MufflerError("--cv and --train-on exclude each other: cross-validate on the benchmark, or train on another one.", {
      code: EVALUATION_ERROR_CODES.badOption,
      field: "--train-on",
    });
  }
  const training: TrainingOptions = {};
  const set = (key: keyof TrainingOptions, value: number | undefined) => {
    if (value !== undefined) (training as Record<string, number>)[key] = value;
  };
  set("epochs", parseNumberFlag(flags.epochs, "--epochs", { integer: true, min: 1 }));
  set("hidden", parseNumberFlag(flags.hidden, "--hidden", { integer: true, min: 1 }));
  set("noise", parseNumberFlag(flags.noise, "--noise", { min: 0 }));
  set("learningRate", parseNumberFlag(flags.learningRate, "--learning-rate", { min: 0 }));
  set("weightDecay", parseNumberFlag(flags.weightDecay, "--weight-decay", { min: 0 }));
  set("batchSize", parseNumberFlag(flags.batchSize, "--batch-size", { integer: true, min: 1 }));
  if (flags.weightDecayMode !== undefined) {
    if (!(WEIGHT_DECAY_MODES as readonly string[]).includes(flags.weightDecayMode)) {
      throw new MufflerError(`--weight-decay-mode must be one of ${WEIGHT_DECAY_MODES.join(", ")}.`, { code: EVALUATION_ERROR_CODES.badOption, field: "--weight-decay-mode" });
    }
    training.weightDecayMode = flags.weightDecayMode as WeightDecayMode;
  }
  if (!flags.weightDecayOnModels) training.weightDecayOnModels = false;
  const passingScore = parseNumberFlag(flags.passingScore, "--passing-score", { allowInfinity: true });
  const ensemble = parseNumberFlag(flags.ensemble, "--ensemble", { integer: true, min: 1 });
  const settings: GoldRouterSettings = {
    ...(flags.ties !== undefined && { tiePolicy: flags.ties as TiePolicy }),
    ...(passingScore !== undefined && { passingScore }),
    ...(ensemble !== undefined && { ensemble }),
    training,
  };
  const strongPercents = parsePercentList(flags.strongPercents, "--strong-percents");
  const cv = parseNumberFlag(flags.cv, "--cv", { integer: true, min: 2 });
  const seed = parseNumberFlag(flags.seed, "--seed", { integer: true, min: 0 });
  return {
    benchmark: flags.benchmark,
    runs: flags.run,
    ...(cv !== undefined && { cv }),
    ...(flags.trainOn !== undefined && { trainOn: flags.trainOn }),
    ...(seed !== undefined && { seed }),
    ...(flags.embedder !== undefined && { embedder: flags.embedder }),
    cacheDirectory: flags.cache,
    ...(flags.out !== undefined && { outDirectory: flags.out }),
    settings,
    ...(flags.tune === true && { tune: { candidates: defaultTuningCandidates(settings) } }),
    contamination: flags.contamination,
    ...(flags.evaluationPoints !== undefined && { evaluationPoints: flags.evaluationPoints as EvaluationPoints }),
    ...(strongPercents !== undefined && { strongPercents }),
  };
}

function summary(routers: BenchmarkEvaluation[]): string {
  const first = routers[0]!;
  const row = (name: string, figures: { apgr: number; auc: number; cpt20: number; cpt50: number; cpt80: number }) => [
    name,
    figures.apgr,
    figures.auc,
    `${figures.cpt20.toFixed(1)}%`,
    `${figures.cpt50.toFixed(1)}%`,
    `${figures.cpt80.toFixed(1)}%`,
  ];
  const lines = [
    `${first.benchmark}: ${first.rows} prompts; strong model ${first.strongScore.toFixed(4)}, weak model ${first.weakScore.toFixed(4)}`,
    "",
    formatTable(["router", "APGR", "AUC", "CPT(20%)", "CPT(50%)", "CPT(80%)"], [
      ...routers.map((router) => row(router.router, router)),
      row("random (expectation)", first.random),
      row("oracle", first.oracle),
    ]),
  ];
  for (const router of routers) {
    lines.push("", `${router.router}: curve (files in ${router.directory})`);
    lines.push(
      formatTable(
        ["target strong %", "threshold", "strong calls %", "score", "PGR"],
        router.curve.map((point) => [point.strongPercent, point.threshold, point.strongCallPercent, point.score, point.pgr]),
      ),
    );
    if (router.served !== undefined) {
      lines.push(`at the thresholds serving uses (router.json, calibrated on ${router.served.calibratedOn}):`);
      lines.push(
        formatTable(
          ["target strong %", "threshold", "realized strong calls %", "score", "PGR"],
          router.served.points.map((point) => [point.strongPercent, point.threshold, point.strongCallPercent, point.score, point.pgr]),
        ),
      );
    }
    if (router.folds !== undefined && router.foldApgr !== undefined) {
      const { mean, standardDeviation } = router.foldApgr;
      lines.push(
        `per-fold APGR (each fold on its own): mean ${mean.toFixed(4)} +- ${standardDeviation.toFixed(4)} (sd over ${router.folds.length} folds: ${router.folds.map((fold) => fold.apgr.toFixed(4)).join(", ")}); pooled ${router.apgr.toFixed(4)}`,
      );
    }
  }
  return lines.join("\n");
}
