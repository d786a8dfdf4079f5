import { hashJson } from "@muffler/core";
import { type PipelineStage, type RunState, readRunState, writeRunState } from "./run-state.ts";

/** One stage of the pipeline as the runner sees it. */
export interface StageDefinition<Context> {
  name: PipelineStage;
  /** Whether this run asks for the stage at all (evaluate without benchmarks does not). */
  enabled(context: Context): boolean;
  /** What the stage's result depends on besides the upstream stages (its options, an input file's hash). */
  inputs(context: Context): Promise<unknown> | unknown;
  /** Whether the stage's outputs are still on disk (a deleted output reruns the stage). */
  outputsExist(context: Context): Promise<boolean>;
  /** Does the work; returns a short summary for run.json and the final table. */
  execute(context: Context): Promise<Record<string, unknown>>;
}

export interface StageOutcome {
  name: PipelineStage;
  status: "ran" | "skipped" | "disabled";
  seconds: number;
  summary?: Record<string, unknown>;
}

export interface RunPipelineOptions<Context> {
  runDirectory: string;
  /** The validated config, recorded in run.json. */
  config: Record<string, unknown>;
  context: Context;
  stages: StageDefinition<Context>[];
  /** Package versions recorded in run.json. */
  versions?: Record<string, string>;
  /** Run every stage even when its inputs are unchanged. @default false */
  force?: boolean;
  onStage?: (event: { name: PipelineStage; status: "start" | "ran" | "skipped" | "disabled"; seconds?: number }) => void;
}

/**
 * Runs the stages in order. A stage whose input hash (its own inputs plus the hash of the stage before it) matches
 * the one recorded in run.json, and whose outputs still exist, is skipped; so is nothing after a stage that ran:
 * those rerun because their upstream hash changed or was recorded after them. run.json is rewritten atomically after
 * each stage, so an interrupted run resumes at the stage that did not finish.
 */
export async function runPipeline<Context>(options: RunPipelineOptions<Context>): Promise<StageOutcome[]> {
  const previous = await readRunState(options.runDirectory);
  const state: RunState = {
    format: "muffler-run",
    version: 1,
    config: options.config,
    versions: options.versions ?? {},
    stages: { ...(previous?.stages ?? {}) },
  };
  const outcomes: StageOutcome[] = [];
  let upstreamHash = "";
  for (const stage of options.stages) {
    if (!stage.enabled(options.context)) {
      delete state.stages[stage.name];
      outcomes.push({ name: stage.name, status: "disabled", seconds: 0 });
      options.onStage?.({ name: stage.name, status: "disabled" });
      continue;
    }
    const inputHash = hashJson({ stage: stage.name, inputs: await stage.inputs(options.context), upstream: upstreamHash });
    const recorded = state.stages[stage.name];
    if (!options.force && recorded?.inputHash === inputHash && (await stage.outputsExist(options.context))) {
      outcomes.push({ name: stage.name, status: "skipped", seconds: 0, ...(recorded.summary && { summary: recorded.summary }) });
      options.onStage?.({ name: stage.name, status: "skipped" });
      upstreamHash = inputHash;
      continue;
    }
    options.onStage?.({ name: stage.name, status: "start" });
    delete state.stages[stage.name];
    await writeRunState(options.runDirectory, state);
    const startedAt = performance.now();
    const summary = await stage.execute(options.context);
    const seconds = (performance.now() - startedAt) / 1000;
    state.stages[stage.name] = { inputHash, completedAt: new Date().toISOString(), seconds, summary };
    await writeRunState(options.runDirectory, state);
    outcomes.push({ name: stage.name, status: "ran", seconds, summary });
    options.onStage?.({ name: stage.name, status: "ran", seconds });
    upstreamHash = inputHash;
  }
  return outcomes;
}
