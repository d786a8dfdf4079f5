import { join } from "node:path";
import { runPaths } from "@muffler/core";
import { SYNTHETIC_STRONG_MODEL, SYNTHETIC_WEAK_MODEL, writeSyntheticDataset } from "@muffler/datasets";
import { DEFAULT_EMBEDDER } from "@muffler/embeddings";
import { Command } from "commander";
import { printResult } from "../cli-output.ts";
import { parseRunConfig } from "../pipeline/run-config.ts";
import { runConfiguredPipeline, summary } from "./run.ts";

interface DemoFlags {
  runDir: string;
  battles: string;
  benchmarkPrompts: string;
  embedder: string;
  seed: string;
  force?: boolean;
  json?: boolean;
}

/** `muffler demo` (`pnpm demo`): the whole pipeline on a seeded synthetic dataset, offline. */
export function demoCommand(): Command {
  return new Command("demo")
    .description("Generate a seeded SYNTHETIC battle dataset and benchmark, then run the whole pipeline on it with the offline default embedder.")
    .option("--run-dir <dir>", "the run directory", "runs/demo")
    .option("--battles <n>", "synthetic battles", "10000")
    .option("--benchmark-prompts <n>", "synthetic benchmark questions", "1000")
    .option("--embedder <name>", "use-lite, lexical or st:<model>", DEFAULT_EMBEDDER)
    .option("--seed <n>", "seed of the synthetic data, split and training", "0")
    .option("--force", "run every stage even when its inputs are unchanged")
    .option("--json", "print the result as JSON")
    .action(async (flags: DemoFlags) => {
      const seed = Number(flags.seed);
      const synthetic = await writeSyntheticDataset({
        outDirectory: join(flags.runDir, "synthetic"),
        battles: Number(flags.battles),
        benchmarkPrompts: Number(flags.benchmarkPrompts),
        seed,
      });
      const config = parseRunConfig(
        {
          name: "demo",
          runDirectory: flags.runDir,
          data: { input: synthetic.battlesPath, strongModel: SYNTHETIC_STRONG_MODEL, weakModel: SYNTHETIC_WEAK_MODEL, seed },
          embeddings: { embedder: flags.embedder, cacheDirectory: runPaths(flags.runDir).embeddingsFiles.cache },
          training: { seed },
          evaluation: { benchmarks: [synthetic.benchmarkPath] },
        },
        "muffler demo",
      );
      const result = await runConfiguredPipeline({ config, force: flags.force === true, quiet: flags.json === true });
      printResult(flags, result, () => `${summary(result)}\n\nThis demo uses SYNTHETIC data. Open the report: ${result.report ?? "(report disabled)"}`);
    });
}
