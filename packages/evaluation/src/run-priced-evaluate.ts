import { basename, join, resolve } from "node:path";
import { frontierFileSchema, MufflerError, runPaths, writeFileAtomic, writeJsonAtomic, type OnProgress } from "@muffler/core";
import { loadPricedBenchmark } from "@muffler/data";
import { DEFAULT_EMBEDDER } from "@muffler/embeddings";
import { saveRouterBundle } from "@muffler/model";
import { embedTexts } from "./embed-texts.ts";
import { EVALUATION_ERROR_CODES } from "./errors.ts";
import { crossValidatePriced, transferPriced, type PricedEvaluationResult } from "./priced-evaluation.ts";
import { pricedRouterBundle, type PricedTrainingSettings } from "./priced-router.ts";

/** What `muffler evaluate` does on a priced (multi-model) benchmark folder. */
export interface PricedEvaluatePlan {
  /** The priced benchmark folder to evaluate on. */
  benchmark: string;
  /** k-fold cross-validation grouped by prompt (`--cv k`). */
  cv?: number;
  /** A priced folder to train on instead (`--train-on`). */
  trainOn?: string;
  /** Seed of the folds and of training. @default 0 */
  seed?: number;
  /** An embedder name, or several joined by `+`. @default "use-lite" */
  embedder?: string;
  cacheDirectory?: string;
  /** Where `evaluation/<benchmark>/` goes. @default runs/evaluate/<name> */
  outDirectory?: string;
  /** With `trainOn`: also save the router trained on it as a servable bundle here (router.json with candidates). */
  saveRouter?: string;
  settings: PricedTrainingSettings;
  onProgress?: OnProgress;
}

/** Evaluates the N-model priced router (cross-validation or transfer) and writes frontier.json and frontier.csv. */
export async function runPricedEvaluate(plan: PricedEvaluatePlan): Promise<PricedEvaluationResult & { directory: string; embedderId: string }> {
  if (plan.saveRouter !== undefined && plan.trainOn === undefined) {
    throw new MufflerError("--save-router saves the router trained on --train-on; give --train-on <priced folder>.", { code: EVALUATION_ERROR_CODES.badOption, field: "--save-router" });
  }
  if ((plan.cv === undefined) === (plan.trainOn === undefined)) {
    throw new MufflerError("a priced benchmark is evaluated with cross-validation (cv) or with a priced folder to train on (trainOn), one of them.", {
      code: EVALUATION_ERROR_CODES.badOption,
      field: "cv",
      hint: "For example: muffler evaluate --benchmark ../shared/data/arena-bench-priced --cv 5",
    });
  }
  const seed = plan.seed ?? 0;
  const embedder = plan.embedder ?? DEFAULT_EMBEDDER;
  const benchmark = await loadPricedBenchmark({ path: plan.benchmark });
  const embed = (texts: readonly string[]) =>
    embedTexts({ embedder, texts, ...(plan.cacheDirectory !== undefined && { cacheDirectory: plan.cacheDirectory }), ...(plan.onProgress !== undefined && { onProgress: plan.onProgress }) });
  const target = await embed(benchmark.prompts);
  let result: PricedEvaluationResult;
  if (plan.cv !== undefined) {
    result = await crossValidatePriced({
      benchmark,
      embeddings: target.data,
      dimension: target.dimension,
      k: plan.cv,
      seed,
      settings: plan.settings,
      label: `cv${plan.cv}(${embedder})`,
      ...(plan.onProgress !== undefined && { onProgress: plan.onProgress }),
    });
  } else {
    const source = await loadPricedBenchmark({ path: plan.trainOn! });
    const sourceEmbedded = await embed(source.prompts);
    const transfer = await transferPriced({
      source,
      sourceEmbeddings: sourceEmbedded.data,
      target: benchmark,
      targetEmbeddings: target.data,
      dimension: target.dimension,
      seed,
      settings: plan.settings,
      label: `${source.name}->${benchmark.name}(${embedder})`,
      ...(plan.onProgress !== undefined && { onProgress: plan.onProgress }),
    });
    const { model, budgetLambdas, ...figures } = transfer;
    result = figures;
    if (plan.saveRouter !== undefined) {
      if (target.embedderId.includes(" + ")) {
        throw new MufflerError("--save-router needs one embedder (a router bundle names one), not a + combination.", { code: EVALUATION_ERROR_CODES.badOption, field: "--embedder" });
      }
      await saveRouterBundle(plan.saveRouter, pricedRouterBundle({ model, benchmark: source, embedder: { id: target.embedderId, name: embedder, dimension: target.dimension }, budgets: budgetLambdas }));
    }
  }
  const name = plan.cv !== undefined ? `${benchmark.name}-cv${plan.cv}-seed${seed}-${slug(embedder)}` : `${basename(resolve(plan.trainOn!))}-to-${benchmark.name}-${slug(embedder)}`;
  const directory = runPaths(plan.outDirectory ?? resolve("runs", "evaluate", name)).evaluation(benchmark.name);
  await writeJsonAtomic(join(directory, "frontier.json"), frontierFileSchema.parse(result));
  await writeFileAtomic(join(directory, "frontier.csv"), frontierCsv(result));
  return { ...result, directory, embedderId: target.embedderId };
}

/** `series,model,lambda,costPer1k,quality,arenaScore`: the router's frontier, the oracle's, and each single model. */
export function frontierCsv(result: PricedEvaluationResult): string {
  const lines = ["series,model,lambda,costPer1k,quality,arenaScore"];
  for (const point of result.frontier) lines.push(["router", "", point.lambda, point.costPer1k, point.quality, point.arenaScore].join(","));
  for (const point of result.oracle.frontier) lines.push(["oracle", "", point.lambda, point.costPer1k, point.quality, point.arenaScore].join(","));
  for (const model of result.singleModels) lines.push(["single", JSON.stringify(model.model), "", model.costPer1k, model.quality, model.arenaScore].join(","));
  return `${lines.join("\n")}\n`;
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]+/g, "-");
}
