import { MufflerError } from "@muffler/core";
import { EVALUATION_POINTS, type EvaluationPoints } from "@muffler/metrics";
import type { TrainingOptions } from "@muffler/training";
import { Command } from "commander";
import { formatTable, printResult } from "../cli-output.ts";
import { EVALUATION_ERROR_CODES } from "../evaluation/errors.ts";
import { GOLD_TIE_POLICIES, type GoldTiePolicy } from "../evaluation/gold-training-battles.ts";
import { collect, parseNumberFlag, parsePercentList } from "../evaluation/parse-flags.ts";
import { runEvaluate, type EvaluatedRouter } from "../evaluation/run-evaluate.ts";
import { isPricedBenchmarkFolder, PRICED_TIE_POLICIES, type PricedTiePolicy } from "@muffler/data";
import { runPricedEvaluate } from "../evaluation/run-priced-evaluate.ts";
import { pricedSummary } from "../evaluation/priced-summary.ts";
import { defaultTuningCandidates } from "../evaluation/tuning-candidates.ts";
import { createProgressBar } from "../progress-bar.ts";

interface EvaluateFlags {
  run: string[];
  benchmark: string;
  cv?: string;
  trainOn?: string;
  seed: string;
  embedder: string;
  cache: string;
  out?: string;
  ties: string;
  passingScore: string;
  epochs?: string;
  hidden?: string;
  noise?: string;
  learningRate?: string;
  weightDecay?: string;
  batchSize?: string;
  ensemble?: string;
  tune?: boolean;
  contamination: boolean;
  evaluationPoints: string;
  strongPercents?: string;
  json?: boolean;
}

/** `muffler evaluate`: routes a benchmark with trained runs, or cross-validates / transfers a gold-label router. */
export function evaluateCommand(): Command {
  return new Command("evaluate")
    .description(
      "Route every prompt of a RouteLLM benchmark and report the cost/quality curve, APGR, AUC and CPT(20/50/80%) beside the random and oracle routers.",
    )
    .requiredOption(
      "--benchmark <path>",
      "MMLU folder, GSM8K CSV or MT-Bench judgements (contamination lists applied), or a priced multi-model folder (queries.jsonl, scores.csv, costs.csv, models.json: N-model cost-quality frontier)",
    )
    .option("--run <dir>", "a trained run to evaluate (repeat for several routers in one table)", collect, [])
    .option("--cv <k>", "gold-label k-fold cross-validation on the benchmark itself")
    .option("--train-on <path>", "train a gold-label router on this benchmark and evaluate it on --benchmark (transfer)")
    .option("--seed <n>", "seed of the folds and of training", "0")
    .option("--embedder <name>", "embedder for --cv / --train-on; join several with + (use-lite+lexical)", "use-lite")
    .option("--cache <dir>", "shared embeddings cache", ".cache/embeddings")
    .option("--out <dir>", "where --cv / --train-on write evaluation/<benchmark>/ (default runs/evaluate/<name>)")
    .option("--ties <policy>", `gold ties in training: ${GOLD_TIE_POLICIES.join(", ")}`, "split")
    .option("--passing-score <x>", "equal scores at or above this are a weak win, not a tie (Infinity: always a tie)", "Infinity")
    .option("--epochs <n>", "training epochs (default: train()'s, 10)")
    .option("--hidden <n>", "H, the MF's hidden size (default 128)")
    .option("--noise <sd>", "Gaussian noise on prompt embeddings in training (default 0)")
    .option("--learning-rate <x>", "Adam's learning rate (default 3e-4)")
    .option("--weight-decay <x>", "L2 weight decay (default 1e-5)")
    .option("--batch-size <n>", "training batch size (default 64)")
    .option("--ensemble <n>", "train n routers (seeds seed..seed+n-1) and average their logits into one MF", "1")
    .option("--tune", "choose epochs (10/30/60) and learning rate (3e-4/1e-3) by nested 3-fold CV inside each training part (slow)")
    .option("--no-contamination", "keep the prompts listed in contaminated_prompts.jsonl")
    .option("--evaluation-points <kind>", `${EVALUATION_POINTS.join(" or ")} (RouteLLM's 11 quantile-bin edges)`, "strong-percent-grid")
    .option("--strong-percents <list>", "target strong percents of the curve (default 0,10,...,100)")
    .option("--json", "print the metrics as JSON")
    .action(async (flags: EvaluateFlags) => {
      const bar = createProgressBar({ enabled: !flags.json });
      if (await isPricedBenchmarkFolder(flags.benchmark)) {
        let priced;
        try {
          priced = await runPricedEvaluate({ ...pricedPlanFrom(flags), onProgress: bar.onProgress });
        } finally {
          bar.finish();
        }
        printResult(flags, priced, () => pricedSummary(priced));
        return;
      }
      let result;
      try {
        result = await runEvaluate({ ...planFrom(flags), onProgress: bar.onProgress });
      } finally {
        bar.finish();
      }
      const routers = result.routers;
      const json = routers.length === 1 ? routers[0] : { benchmark: result.benchmark.name, rows: result.benchmark.prompts.length, routers };
      printResult(flags, json, () => summary(routers));
    });
}

/** The plan of a priced (multi-model) benchmark: --cv or --train-on, the embedder and the training flags. */
function pricedPlanFrom(flags: EvaluateFlags) {
  if (flags.run.length > 0) {
    throw new MufflerError("--run evaluates two-model runs; a priced benchmark takes --cv <k> or --train-on <priced folder>.", { code: EVALUATION_ERROR_CODES.badOption, field: "--run" });
  }
  if (!(PRICED_TIE_POLICIES as readonly string[]).includes(flags.ties)) {
    throw new MufflerError(`on a priced benchmark --ties must be one of ${PRICED_TIE_POLICIES.join(", ")}, got ${JSON.stringify(flags.ties)}.`, { code: EVALUATION_ERROR_CODES.badOption, field: "--ties" });
  }
  const plan = planFrom(flags);
  return {
    benchmark: plan.benchmark,
    ...(plan.cv !== undefined && { cv: plan.cv }),
    ...(plan.trainOn !== undefined && { trainOn: plan.trainOn }),
    seed: plan.seed,
    embedder: plan.embedder,
    cacheDirectory: plan.cacheDirectory,
    ...(plan.outDirectory !== undefined && { outDirectory: plan.outDirectory }),
    settings: { ties: flags.ties as PricedTiePolicy, training: plan.settings.training },
  };
}

function planFrom(flags: EvaluateFlags) {
  if (!(GOLD_TIE_POLICIES as readonly string[]).includes(flags.ties)) {
    throw new MufflerError(`--ties must be one of ${GOLD_TIE_POLICIES.join(", ")}, got ${JSON.stringify(flags.ties)}.`, { code: EVALUATION_ERROR_CODES.badOption, field: "--ties" });
  }
  if (!(EVALUATION_POINTS as readonly string[]).includes(flags.evaluationPoints)) {
    throw new MufflerError(`--evaluation-points must be one of ${EVALUATION_POINTS.join(", ")}.`, { code: EVALUATION_ERROR_CODES.badOption, field: "--evaluation-points" });
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
  const settings = {
    ties: flags.ties as GoldTiePolicy,
    passingScore: parseNumberFlag(flags.passingScore, "--passing-score", { allowInfinity: true })!,
    ensemble: parseNumberFlag(flags.ensemble ?? "1", "--ensemble", { integer: true, min: 1 })!,
    training,
  };
  const strongPercents = parsePercentList(flags.strongPercents, "--strong-percents");
  const cv = parseNumberFlag(flags.cv, "--cv", { integer: true, min: 2 });
  return {
    benchmark: flags.benchmark,
    runs: flags.run,
    ...(cv !== undefined && { cv }),
    ...(flags.trainOn !== undefined && { trainOn: flags.trainOn }),
    seed: parseNumberFlag(flags.seed, "--seed", { integer: true, min: 0 })!,
    embedder: flags.embedder,
    cacheDirectory: flags.cache,
    ...(flags.out !== undefined && { outDirectory: flags.out }),
    settings,
    ...(flags.tune === true && { tune: { candidates: defaultTuningCandidates(settings) } }),
    contamination: flags.contamination,
    evaluationPoints: flags.evaluationPoints as EvaluationPoints,
    ...(strongPercents !== undefined && { strongPercents }),
  };
}

function summary(routers: EvaluatedRouter[]): string {
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
    if (router.folds !== undefined) {
      lines.push(`per-fold APGR (each fold on its own): ${router.folds.map((fold) => fold.apgr.toFixed(4)).join(", ")}`);
    }
  }
  return lines.join("\n");
}
