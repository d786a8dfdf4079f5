import { basename, resolve } from "node:path";
import { MufflerError, writeFileAtomic } from "@muffler/core";
import { REPORT_ERROR_CODES } from "./errors.ts";
import { pageLayout } from "./internal/page-layout.ts";
import { type RunData, readRun } from "./internal/read-run.ts";
import { benchmarksSection } from "./internal/sections/benchmarks-section.ts";
import { calibrationSection } from "./internal/sections/calibration-section.ts";
import { datasetSection } from "./internal/sections/dataset-section.ts";
import { frontierEntries, frontierSection } from "./internal/sections/frontier-section.ts";
import { summarySection } from "./internal/sections/summary-section.ts";
import { trainingSection } from "./internal/sections/training-section.ts";

export interface BuildReportOptions {
  /** One or more run directories; several are shown side by side (one series per run in each chart). */
  runDirectories: string[];
  /** Where to write the HTML (atomically). When absent, nothing is written and the HTML is only returned. @default undefined */
  outputPath?: string;
  /** The page title. @default "Muffler routing report" */
  title?: string;
  /** The generation time shown in the header (pass a fixed one for reproducible output). @default new Date() */
  generatedAt?: Date;
}

export interface BuildReportResult {
  /** The whole HTML document. */
  html: string;
  /** The file written, when `outputPath` was given. */
  outputPath?: string;
  /** The names the runs are shown under, in order. */
  runNames: string[];
  /** The sections that had no data in any run ("not run yet"). */
  missingSections: string[];
}

/**
 * Builds the static HTML report of one or more run directories: one self-contained file with inline CSS and inline
 * SVG charts (rendered by Vega-Lite in Node), no script and no network. Reads only `dataset/manifest.json`,
 * `training/history.json`, `router/router.json`, `evaluation/calibration.json`, `evaluation/<benchmark>/metrics.json`
 * and `evaluation/<benchmark>/win-rates.json`; each is optional (its section says "not run yet"), but a file that is
 * present and malformed throws `report/malformed-file` naming the file and the field.
 */
export async function buildReport(options: BuildReportOptions): Promise<BuildReportResult> {
  if (options.runDirectories.length === 0) {
    throw new MufflerError("no run directory was given.", { code: REPORT_ERROR_CODES.noRuns, hint: "Pass at least one run directory (muffler report --run runs/<name>)." });
  }
  const names = uniqueNames(options.runDirectories);
  const runs: RunData[] = [];
  for (const [index, runDirectory] of options.runDirectories.entries()) runs.push(await readRun({ runDirectory, name: names[index]! }));

  const [dataset, training, calibration, benchmarks, frontiers] = await Promise.all([
    datasetSection(runs),
    trainingSection(runs),
    calibrationSection(runs),
    benchmarksSection(runs),
    frontierSection(runs),
  ]);
  const missingSections = [
    runs.every((run) => run.dataset.status === "missing") && "dataset",
    runs.every((run) => run.history.status === "missing") && "training",
    runs.every((run) => run.calibration.status === "missing") && "calibration",
    runs.every((run) => run.benchmarks.length === 0) && "benchmarks",
  ].filter((name): name is string => typeof name === "string");

  const html = pageLayout({
    title: options.title ?? "Muffler routing report",
    runs: runs.map((run) => ({ name: run.name, directory: run.directory })),
    generatedAt: (options.generatedAt ?? new Date()).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC"),
    sections: [
      { id: "summary", title: "At a glance", body: summarySection(runs) },
      { id: "benchmarks", title: "Quality against cost on the benchmarks", body: benchmarks },
      ...(frontierEntries(runs).length > 0 ? [{ id: "candidates", title: "Routing among priced candidates", body: frontiers }] : []),
      { id: "calibration", title: "Thresholds and classification", body: calibration },
      { id: "training", title: "Training", body: training },
      { id: "dataset", title: "Dataset and router", body: dataset },
    ],
  });
  if (options.outputPath !== undefined) await writeFileAtomic(options.outputPath, html);
  return { html, ...(options.outputPath !== undefined && { outputPath: options.outputPath }), runNames: runs.map((run) => run.name), missingSections };
}

/** Folder names, made unique with the parent folder (or a counter) when two runs share one. */
function uniqueNames(directories: string[]): string[] {
  const base = directories.map((directory) => basename(resolve(directory)));
  const names = base.map((name, index) => (base.filter((other) => other === name).length > 1 ? `${basename(resolve(directories[index]!, ".."))}/${name}` : name));
  const seen = new Map<string, number>();
  return names.map((name) => {
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count > 1 ? `${name} (${count})` : name;
  });
}
