import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MufflerError } from "@muffler/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReport } from "./build-report.ts";
import { REPORT_ERROR_CODES } from "./errors.ts";
import { writeSampleRun } from "./sample-run.ts";
import { SAMPLE_RUN_CHARTS } from "./__fixtures__/sample-run-charts.ts";

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "muffler-report-build-"));
  await writeSampleRun({ runDirectory: join(root, "complete") });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The figures of the page: chart name, benchmark (when per benchmark) and the SVG inside. */
function figures(html: string): { chart: string; benchmark?: string; svg: string }[] {
  return [...html.matchAll(/<figure class="chart" data-chart="([^"]+)"(?: data-benchmark="([^"]+)")?>([\s\S]*?)<\/figure>/g)].map((match) => ({
    chart: match[1]!,
    ...(match[2] !== undefined && { benchmark: match[2] }),
    svg: match[3]!,
  }));
}

/** The texts of an SVG's axis titles. */
function axisTitles(svg: string): string[] {
  return [...svg.matchAll(/class="mark-text role-axis-title"[\s\S]*?<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]!);
}

async function sampleRun(name: string, options: { seed?: number; routerQuality?: number } = {}): Promise<string> {
  const directory = join(root, name);
  await writeSampleRun({ runDirectory: directory, ...options });
  return directory;
}

describe("buildReport", () => {
  it("shows every section of a complete run, each chart with data marks and labelled axes", async () => {
    const directory = join(root, "complete");
    const { html, missingSections, runNames } = await buildReport({ runDirectories: [directory], generatedAt: new Date("2026-01-02T03:04:05Z") });
    expect(runNames).toEqual(["complete"]);
    expect(missingSections).toEqual([]);
    expect(html).not.toContain("Not run yet");
    expect(html).toContain("generated 2026-01-02 03:04:05 UTC");

    const charts = figures(html);
    expect(charts.map((chart) => `${chart.chart}${chart.benchmark ? `:${chart.benchmark}` : ""}`).sort()).toEqual([...SAMPLE_RUN_CHARTS]);
    for (const chart of charts) {
      expect(chart.svg, chart.chart).toMatch(/^<svg /);
      expect(chart.svg, chart.chart).toMatch(/class="mark-(line|rect|area) role-mark[^"]*"[^>]*>\s*<path [^>]*d="M/);
      expect(axisTitles(chart.svg).length, chart.chart).toBeGreaterThanOrEqual(2);
    }
    const byName = (name: string) => charts.find((chart) => chart.chart === name)!.svg;
    expect(axisTitles(byName("benchmark-score"))).toEqual(expect.arrayContaining(["Calls to the strong model (%)", "Score (fraction correct)"]));
    expect(axisTitles(byName("loss"))).toEqual(expect.arrayContaining(["Epoch", "Binary cross-entropy loss (nats)"]));
    expect(byName("benchmark-score")).toContain("random router");
    expect(byName("benchmark-score")).toContain("oracle router");
    expect(byName("benchmark-score")).toMatch(/strong model only: 0\.\d{3}/);
    expect(byName("benchmark-score")).toMatch(/weak model only: 0\.\d{3}/);

    for (const table of ["comparison", "metrics", "benchmark-metrics", "thresholds", "training", "dataset", "router"]) expect(html, table).toContain(`data-table="${table}"`);
    expect(html).toContain("CPT(50 %)");
    expect(html).toContain("gpt-4-1106-preview");
    // The headline figure of a benchmark is its CPT(50 %): the strong calls that recover half of the quality gap.
    const mmlu = JSON.parse(await readFile(join(directory, "evaluation", "mmlu", "metrics.json"), "utf8")) as { cpt50: number };
    expect(html).toMatch(new RegExp(`data-card="mmlu">[^]*?<div class="card-figure">${mmlu.cpt50.toFixed(1)} %</div>`));
  });

  it("is one self-contained file: no script, no stylesheet link, no external resource, unique SVG ids", async () => {
    const { html } = await buildReport({ runDirectories: [join(root, "complete")] });
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/url\((?!#)/);
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("says 'not run yet' in every section of an empty run directory, with the command that fills it", async () => {
    const directory = await mkdtemp(join(root, "empty-"));
    const { html, missingSections } = await buildReport({ runDirectories: [directory] });
    expect(missingSections).toEqual(["dataset", "training", "calibration", "benchmarks"]);
    expect(figures(html)).toEqual([]);
    for (const what of ["dataset", "training", "calibration", "evaluation"]) expect(html, what).toContain(`data-missing="${what}"`);
    expect(html).toContain("muffler train --run");
    expect(html).toContain("<code>training/history.json</code>");
  });

  it("shows the stages that ran and marks the others of a partial run", async () => {
    const directory = await sampleRun("partial");
    await rm(join(directory, "evaluation"), { recursive: true });
    await rm(join(directory, "router"), { recursive: true });
    const { html, missingSections } = await buildReport({ runDirectories: [directory] });
    expect(missingSections).toEqual(["calibration", "benchmarks"]);
    expect(figures(html).map((chart) => chart.chart).sort()).toEqual(["label-ratios", "loss", "weight-norm"]);
    expect(html).toContain('data-missing="calibration"');
    expect(html).toContain('data-missing="evaluation"');
    expect(html).toContain('data-missing="router"');
    expect(html).not.toContain('data-missing="training"');
  });

  it("draws the training loss alone when the run was trained without validation", async () => {
    const directory = await sampleRun("no-validation");
    const path = join(directory, "training", "history.json");
    const history = JSON.parse(await readFile(path, "utf8")) as { epochs: Record<string, unknown>[] };
    const { writeFile } = await import("node:fs/promises");
    await writeFile(path, JSON.stringify({ ...history, epochs: history.epochs.map(({ validationLoss: _loss, validationAccuracy: _accuracy, ...epoch }) => epoch) }));
    const { html } = await buildReport({ runDirectories: [directory] });
    const loss = figures(html).find((chart) => chart.chart === "loss")!.svg;
    expect(loss).toContain(">train</text>");
    expect(loss).not.toContain(">validation</text>");
    const training = html.slice(html.indexOf('data-table="training"'));
    expect(training).toMatch(/<th>no-validation<\/th><td class="num">10<\/td><td class="num">\d+<\/td><td class="num">0\.\d{4}<\/td><td class="num">–<\/td>/);
  });

  it("keeps a benchmark's curves when its win rates are missing, and says so", async () => {
    const directory = await sampleRun("no-win-rates");
    await rm(join(directory, "evaluation", "gsm8k", "win-rates.json"));
    const { html } = await buildReport({ runDirectories: [directory] });
    const charts = figures(html).map((chart) => `${chart.chart}:${chart.benchmark ?? ""}`);
    expect(charts).toContain("benchmark-score:gsm8k");
    expect(charts).not.toContain("win-rate-histogram:gsm8k");
    expect(charts).toContain("win-rate-histogram:mmlu");
    expect(html).toContain('data-missing="win-rates:gsm8k"');
  });

  it("shows several runs side by side: a series per run in each chart and a comparison table", async () => {
    const baseline = await sampleRun("baseline", { seed: 1, routerQuality: 0.4 });
    const balanced = await sampleRun("balanced", { seed: 2, routerQuality: 0.8 });
    const untrained = join(root, "untrained");
    await writeSampleRun({ runDirectory: untrained, seed: 3 });
    await rm(join(untrained, "training"), { recursive: true });
    const { html, runNames } = await buildReport({ runDirectories: [baseline, balanced, untrained] });
    expect(runNames).toEqual(["baseline", "balanced", "untrained"]);
    for (const chart of figures(html)) {
      if (chart.chart === "label-ratios" || chart.chart === "classification") continue;
      for (const name of chart.chart === "loss" || chart.chart === "weight-norm" ? ["baseline", "balanced"] : runNames) {
        expect(chart.svg, `${chart.chart} legend`).toContain(`>${name}</text>`);
      }
    }
    const comparison = html.slice(html.indexOf('data-table="comparison"'), html.indexOf("</table>", html.indexOf('data-table="comparison"')));
    for (const name of runNames) expect(comparison).toContain(`<th>${name}</th>`);
    expect(html).toMatch(/<span class="run-name">untrained<\/span><p class="not-run" data-missing="training">/);
    // The better router has the higher APGR in the comparison, as its data says.
    const apgr = (name: string) => Number(comparison.match(new RegExp(`<th>${name}</th>(?:<td[^>]*>[^<]*</td>){4}<td class="num">([0-9.]+)</td>`))![1]);
    expect(apgr("balanced")).toBeGreaterThan(apgr("baseline"));
  });

  it("names runs whose folders share a name by their parent folder", async () => {
    const first = join(root, "a", "run");
    const second = join(root, "b", "run");
    await writeSampleRun({ runDirectory: first });
    await writeSampleRun({ runDirectory: second, seed: 5 });
    for (const directory of [first, second]) {
      for (const stage of ["training", "evaluation"]) await rm(join(directory, stage), { recursive: true }); // fewer charts, faster
    }
    const { runNames } = await buildReport({ runDirectories: [first, second] });
    expect(runNames).toEqual(["a/run", "b/run"]);
  });

  it("writes the file atomically when given an output path", async () => {
    const directory = await sampleRun("written");
    const outputPath = join(directory, "report", "index.html");
    const result = await buildReport({ runDirectories: [directory], outputPath });
    expect(result.outputPath).toBe(outputPath);
    expect(await readFile(outputPath, "utf8")).toBe(result.html);
    expect(await readdir(join(directory, "report"))).toEqual(["index.html"]);
  });

  it("fails with report/malformed-file for a malformed file, and with report/no-runs without runs", async () => {
    const directory = await sampleRun("malformed");
    const { writeFile } = await import("node:fs/promises");
    // Empty thresholds are what calibrate writes when the test split has no strong-vs-weak battle: the report shows it.
    await writeFile(join(directory, "evaluation", "calibration.json"), JSON.stringify({ split: "test", rows: 0, thresholds: [] }));
    expect((await buildReport({ runDirectories: [directory] })).html).toContain("<html");
    await writeFile(join(directory, "evaluation", "calibration.json"), JSON.stringify({ split: "test", rows: 10 }));
    const error = await buildReport({ runDirectories: [directory] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MufflerError);
    expect((error as MufflerError).code).toBe(REPORT_ERROR_CODES.malformedFile);
    expect((error as MufflerError).location).toEqual({ file: join(directory, "evaluation", "calibration.json"), field: "thresholds" });

    const none = await buildReport({ runDirectories: [] }).catch((caught: unknown) => caught);
    expect((none as MufflerError).code).toBe(REPORT_ERROR_CODES.noRuns);
  });
});
