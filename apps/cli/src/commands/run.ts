import { resolve } from "node:path";
import { Command } from "commander";
import { formatTable, printResult } from "../cli-output.ts";
import { PIPELINE } from "../pipeline/pipeline-stages.ts";
import { type RunConfig, type RunConfigInput, parseRunConfig, readRunConfig } from "../pipeline/run-config.ts";
import { type StageOutcome, runPipeline } from "../pipeline/run-pipeline.ts";

interface RunFlags {
  config?: string;
  input?: string;
  strong?: string;
  weak?: string;
  runDir?: string;
  name?: string;
  embedder?: string;
  cache?: string;
  epochs?: string;
  benchmark: string[];
  force?: boolean;
  json?: boolean;
}

/** What `muffler run` prints with `--json`. */
export interface RunCommandResult {
  runDirectory: string;
  stages: StageOutcome[];
  seconds: number;
  report?: string;
}

/** `muffler run`: the whole pipeline from one config file (flags override), skipping stages whose inputs are unchanged. */
export function runCommand(): Command {
  return new Command("run")
    .description("Run prepare -> embed -> train -> calibrate -> evaluate -> report from a config file; unchanged stages are skipped, an interrupted run resumes.")
    .option("--config <file>", "the run config (JSON; see README.md)")
    .option("--input <path>", "battles (parquet, CSV, JSONL or hf:<id>); overrides data.input")
    .option("--strong <model>", "the strong model; overrides data.strongModel")
    .option("--weak <model>", "the weak model; overrides data.weakModel")
    .option("--name <name>", "the run's name; overrides name")
    .option("--run-dir <dir>", "the run directory (default runs/<name>)")
    .option("--embedder <name>", "use-lite, lexical or st:<model>; overrides embeddings.embedder")
    .option("--cache <dir>", "a shared embeddings cache; overrides embeddings.cacheDirectory")
    .option("--epochs <n>", "training epochs; overrides training.epochs")
    .option("--benchmark <path>", "a benchmark to evaluate on (repeatable); adds to evaluation.benchmarks", (value: string, previous: string[]) => [...previous, value], [])
    .option("--force", "run every stage even when its inputs are unchanged")
    .option("--json", "print the result as JSON")
    .action(async (flags: RunFlags) => {
      const config = await configFromFlags(flags);
      const result = await runConfiguredPipeline({ config, force: flags.force === true, quiet: flags.json === true });
      printResult(flags, result, () => summary(result));
    });
}

async function configFromFlags(flags: RunFlags): Promise<RunConfig> {
  const base: Record<string, unknown> = flags.config !== undefined ? { ...(await readRunConfig(flags.config)) } : {};
  const data = { ...((base.data as Record<string, unknown> | undefined) ?? {}) };
  if (flags.input !== undefined) data.input = flags.input;
  if (flags.strong !== undefined) data.strongModel = flags.strong;
  if (flags.weak !== undefined) data.weakModel = flags.weak;
  const embeddings = { ...((base.embeddings as Record<string, unknown> | undefined) ?? {}) };
  if (flags.embedder !== undefined) embeddings.embedder = flags.embedder;
  if (flags.cache !== undefined) embeddings.cacheDirectory = flags.cache;
  const training = { ...((base.training as Record<string, unknown> | undefined) ?? {}) };
  if (flags.epochs !== undefined) training.epochs = Number(flags.epochs);
  const evaluation = { ...((base.evaluation as Record<string, unknown> | undefined) ?? {}) };
  evaluation.benchmarks = [...((evaluation.benchmarks as string[] | undefined) ?? []), ...flags.benchmark];
  const merged: RunConfigInput = {
    ...(base as RunConfigInput),
    ...(flags.name !== undefined && { name: flags.name }),
    ...(flags.runDir !== undefined && { runDirectory: flags.runDir }),
    data: data as RunConfigInput["data"],
    embeddings: embeddings as RunConfigInput["embeddings"],
    training,
    evaluation: evaluation as RunConfigInput["evaluation"],
  };
  return parseRunConfig(merged, flags.config ?? "flags");
}

/** Runs the pipeline for a validated config; prints one line per stage on stderr unless `quiet`. */
export async function runConfiguredPipeline(options: { config: RunConfig; force?: boolean; quiet?: boolean }): Promise<RunCommandResult> {
  const { config } = options;
  const runDirectory = config.runDirectory ?? `runs/${config.name}`;
  const quiet = options.quiet === true;
  const started = performance.now();
  const stages = await runPipeline({
    runDirectory,
    config: config as unknown as Record<string, unknown>,
    context: { config, runDirectory, quiet },
    stages: PIPELINE,
    versions: { muffler: "0.1.0", node: process.version },
    force: options.force === true,
    onStage(event) {
      if (quiet) return;
      const line =
        event.status === "start" ? `▶ ${event.name}` :
        event.status === "ran" ? `✔ ${event.name} (${event.seconds?.toFixed(1)} s)` :
        event.status === "skipped" ? `↷ ${event.name}: inputs unchanged, skipped` : `· ${event.name}: not asked for`;
      process.stderr.write(`${line}\n`);
    },
  });
  const report = stages.find((stage) => stage.name === "report")?.summary?.path;
  return {
    runDirectory: resolve(runDirectory),
    stages,
    seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
    ...(typeof report === "string" && { report }),
  };
}

export function summary(result: RunCommandResult): string {
  return [
    formatTable(
      ["stage", "status", "seconds", "summary"],
      result.stages.map((stage) => [stage.name, stage.status, stage.seconds.toFixed(1), stage.summary ? JSON.stringify(stage.summary).slice(0, 100) : ""]),
    ),
    `run directory: ${result.runDirectory} (${result.seconds} s)`,
    ...(result.report !== undefined ? [`report: ${result.report}`] : []),
  ].join("\n");
}
