import { MufflerError, runPaths } from "@muffler/core";
import { REPORT_ERROR_CODES, buildReport } from "@muffler/report";
import { Command } from "commander";
import { printResult } from "../cli-output.ts";

interface ReportFlags {
  run: string[];
  out?: string;
  title?: string;
  json?: boolean;
}

/** What `muffler report` prints with `--json`. */
export interface ReportCommandResult {
  /** The HTML file written. */
  outputPath: string;
  /** The runs shown, as named in the report. */
  runs: string[];
  /** Sections no run had data for ("not run yet"). */
  missingSections: string[];
  sizeBytes: number;
}

/** `muffler report`: the static HTML report of one run, or of several side by side. */
export function reportCommand(): Command {
  return new Command("report")
    .description("Build a self-contained HTML report (inline SVG charts, no scripts, no network) from one or more run directories.")
    .option("--run <dir>", "a run directory; repeat to compare several runs side by side", (value: string, previous: string[]) => [...previous, value], [])
    .option("--out <path>", "the HTML file to write (default <first run>/report/index.html)")
    .option("--title <text>", "the page title")
    .option("--json", "print the result as JSON")
    .action(async (flags: ReportFlags) => {
      const result = await runReport(flags);
      printResult(flags, result, () => `report of ${result.runs.join(", ")} written to ${result.outputPath}` + (result.missingSections.length > 0 ? `\nnot run yet: ${result.missingSections.join(", ")}` : ""));
    });
}

async function runReport(flags: ReportFlags): Promise<ReportCommandResult> {
  const first = flags.run[0];
  if (first === undefined) {
    throw new MufflerError("give at least one --run <dir>.", { code: REPORT_ERROR_CODES.noRuns, field: "--run", hint: "Run `muffler report --run runs/<name>` (repeat --run to compare runs)." });
  }
  const outputPath = flags.out ?? runPaths(first).report;
  const report = await buildReport({ runDirectories: flags.run, outputPath, ...(flags.title !== undefined && { title: flags.title }) });
  return { outputPath, runs: report.runNames, missingSections: report.missingSections, sizeBytes: Buffer.byteLength(report.html) };
}
