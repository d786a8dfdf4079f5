import { Command } from "commander";
import { EXIT_CODES, reportError } from "./cli-output.ts";

/**
 * Every `muffler` subcommand, in the order `--help` lists them (the pipeline's order). Each is loaded only when it
 * runs: the packages behind them (DuckDB, onnxruntime, tfjs, fastify, vega) cost seconds to import, and a command
 * should pay only for its own.
 */
const COMMANDS = [
  { name: "prepare", summary: "Prepare battles (or a benchmark's gold battles) into train/test splits.", load: async () => (await import("./commands/prepare.ts")).prepareCommand },
  { name: "embed", summary: "Embed a prepared run's prompts (or a benchmark's) through the embeddings cache.", load: async () => (await import("./commands/embed.ts")).embedCommand },
  { name: "train", summary: "Train the MF router on a prepared, embedded run.", load: async () => (await import("./commands/train.ts")).trainCommand },
  { name: "calibrate", summary: "Calibrate thresholds for target strong-call percentages.", load: async () => (await import("./commands/calibrate.ts")).calibrateCommand },
  { name: "evaluate", summary: "Score routers on a RouteLLM benchmark (APGR, AUC, CPT), or cross-validate on gold labels.", load: async () => (await import("./commands/evaluate.ts")).evaluateCommand },
  { name: "route", summary: "Route one prompt with a trained router.", load: async () => (await import("./commands/route.ts")).routeCommand },
  { name: "serve", summary: "Serve a router as an OpenAI-compatible endpoint.", load: async () => (await import("./commands/serve.ts")).serveCommand },
  { name: "cache", summary: "Maintain the embedding cache (compact its segments).", load: async () => (await import("./commands/cache.ts")).cacheCommand },
  { name: "import", summary: "Write a router bundle from a published router (RouteLLM's MF checkpoints).", load: async () => (await import("./commands/import.ts")).importCommand },
  { name: "report", summary: "Build the HTML report of one run or several.", load: async () => (await import("./commands/report.ts")).reportCommand },
  { name: "run", summary: "Run the whole pipeline from a config file, skipping unchanged stages.", load: async () => (await import("./commands/run.ts")).runCommand },
  { name: "demo", summary: "The whole pipeline on a seeded SYNTHETIC dataset, offline.", load: async () => (await import("./commands/demo.ts")).demoCommand },
  { name: "datasets", summary: "Synthetic datasets and the cards of the real datasets.", load: async () => (await import("./commands/datasets.ts")).datasetsCommand },
] as const;

export type CommandName = (typeof COMMANDS)[number]["name"];
export const COMMAND_NAMES: readonly CommandName[] = COMMANDS.map((command) => command.name);

/**
 * Builds the `muffler` program for `argv` (as `process.argv`): the command that `argv` names is loaded in full,
 * the others only as a name and a summary for `--help`. Without `argv`, every command is loaded (tests).
 */
export async function createProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command("muffler")
    .description("Muffler: learn from preference data which prompts need the strong model, and route the rest to the weak one.")
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  const wanted = argv === undefined ? undefined : (commandNamed(argv) ?? null);
  for (const entry of COMMANDS) {
    if (wanted === undefined || wanted === entry.name) {
      program.addCommand((await entry.load())().summary(entry.summary).exitOverride());
    } else {
      program.addCommand(new Command(entry.name).summary(entry.summary).exitOverride());
    }
  }
  return program;
}

/** The subcommand `argv` runs (`muffler help <name>` counts), if any. */
function commandNamed(argv: readonly string[]): string | undefined {
  const words = argv.slice(2).filter((word) => !word.startsWith("-"));
  return words[0] === "help" ? words[1] : words[0];
}

/**
 * Runs the CLI with `argv` (as `process.argv`: node, script, ...args) and returns the exit code:
 * 0 ok, 1 bad input or usage, 2 internal failure.
 */
export async function runCli(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  try {
    await (await createProgram(argv)).parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT_CODES.ok;
  } catch (error) {
    return reportError(error, json);
  }
}
