import { Command } from "commander";
import { EXIT_CODES, reportError } from "./cli-output.ts";
import { datasetsCommand } from "./commands/datasets.ts";
import { demoCommand } from "./commands/demo.ts";
import { calibrateCommand } from "./commands/calibrate.ts";
import { embedCommand } from "./commands/embed.ts";
import { evaluateCommand } from "./commands/evaluate.ts";
import { prepareCommand } from "./commands/prepare.ts";
import { reportCommand } from "./commands/report.ts";
import { runCommand } from "./commands/run.ts";
import { routeCommand } from "./commands/route.ts";
import { serveCommand } from "./commands/serve.ts";
import { trainCommand } from "./commands/train.ts";

/** Every `muffler` subcommand, in the order `--help` lists them (the pipeline's order). */
const COMMANDS: (() => Command)[] = [
  prepareCommand,
  embedCommand,
  trainCommand,
  calibrateCommand,
  evaluateCommand,
  routeCommand,
  serveCommand,
  reportCommand,
  runCommand,
  demoCommand,
  datasetsCommand,
];

/** Builds the `muffler` program. Exported for tests, which run it in-process. */
export function createProgram(): Command {
  const program = new Command("muffler")
    .description("Muffler: learn from preference data which prompts need the strong model, and route the rest to the weak one.")
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  for (const create of COMMANDS) program.addCommand(create().exitOverride());
  return program;
}

/**
 * Runs the CLI with `argv` (as `process.argv`: node, script, ...args) and returns the exit code:
 * 0 ok, 1 bad input or usage, 2 internal failure.
 */
export async function runCli(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  try {
    await createProgram().parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT_CODES.ok;
  } catch (error) {
    return reportError(error, json);
  }
}
