import { type CurveRow, type HistogramRow, type ReferenceLevel, curveSpec, winRateHistogramSpec } from "../chart-specs.ts";
import { type Cell, chartFigure, escapeHtml, formatNumber, formatPercent, htmlTable, notRunYet } from "../html.ts";
import type { RunData } from "../read-run.ts";
import { renderChart } from "../render-chart.ts";
import type { CurvePoint, CurveSummary, EvaluationResult } from "../schemas.ts";
import { runNote } from "./dataset-section.ts";

/** The benchmarks evaluated in any of the runs, by folder name, with each run's result. */
export interface BenchmarkGroup {
  directory: string;
  /** The benchmark's name as metrics.json spells it (the folder name when no run has metrics). */
  name: string;
  entries: { run: RunData; metrics?: EvaluationResult; winRates?: number[] }[];
}

/** Groups the runs' evaluations by benchmark folder, in folder order. */
export function benchmarkGroups(runs: RunData[]): BenchmarkGroup[] {
  const directories = [...new Set(runs.flatMap((run) => run.benchmarks.map((benchmark) => benchmark.directory)))].sort();
  return directories.map((directory) => {
    const entries = runs.map((run) => {
      const benchmark = run.benchmarks.find((candidate) => candidate.directory === directory);
      return {
        run,
        ...(benchmark?.metrics.status === "ok" && { metrics: benchmark.metrics.value }),
        ...(benchmark?.winRates.status === "ok" && { winRates: benchmark.winRates.value }),
      };
    });
    const name = entries.find((entry) => entry.metrics)?.metrics?.benchmark ?? directory;
    return { directory, name, entries };
  });
}

/** The strong and weak model names of a run, from its router manifest or its dataset manifest. */
export function modelNames(run: RunData): { strong: string; weak: string } {
  if (run.router.status === "ok") return { strong: run.router.value.strongModel, weak: run.router.value.weakModel };
  if (run.dataset.status === "ok") return { strong: run.dataset.value.strongModel ?? "strong model", weak: run.dataset.value.weakModel ?? "weak model" };
  return { strong: "strong model", weak: "weak model" };
}

/** "Benchmarks": per benchmark, score and PGR against % strong calls, the win-rate histogram, and the metrics. */
export async function benchmarksSection(runs: RunData[]): Promise<string> {
  const multiple = runs.length > 1;
  const groups = benchmarkGroups(runs);
  if (groups.length === 0) {
    return runs
      .map((run) => runNote(run, multiple, notRunYet({ what: "evaluation", files: ["evaluation/<benchmark>/metrics.json"], command: `muffler evaluate --run ${run.directory} --benchmark <path>` })))
      .join("\n");
  }
  const parts: string[] = [];
  for (const group of groups) parts.push(await benchmarkBlock(group, multiple));
  return parts.join("\n");
}

/** Legend name of a run's router. */
export function routerSeries(run: RunData, multiple: boolean): string {
  return multiple ? run.name : "Muffler router";
}

async function benchmarkBlock(group: BenchmarkGroup, multiple: boolean): Promise<string> {
  const runSeries = group.entries.map((entry) => routerSeries(entry.run, multiple));
  const evaluated = group.entries.flatMap((entry) => (entry.metrics ? [{ run: entry.run, metrics: entry.metrics }] : []));
  const reference = evaluated[0];
  const figures: string[] = [];
  const notes: string[] = [];
  let meta = "";
  if (reference) {
    const names = modelNames(reference.run);
    const accuracy = reference.metrics.strongScore <= 1 && reference.metrics.weakScore >= 0;
    const scoreTitle = accuracy ? "Score (fraction correct)" : "Mean score per question";
    meta = `${reference.metrics.rows.toLocaleString("en-US")} prompts · strong ${names.strong}: ${reference.metrics.strongScore.toFixed(3)} · weak ${names.weak}: ${reference.metrics.weakScore.toFixed(3)}`;

    const scoreRows: CurveRow[] = [];
    const pgrRows: CurveRow[] = [];
    const add = (series: string, kind: CurveRow["kind"], curve: CurvePoint[]) => {
      for (const point of sortedCurve(curve)) {
        scoreRows.push({ series, kind, strongCallPercent: point.strongCallPercent, value: point.score });
        pgrRows.push({ series, kind, strongCallPercent: point.strongCallPercent, value: point.pgr });
      }
    };
    for (const { run, metrics } of evaluated) add(routerSeries(run, multiple), "router", metrics.curve);
    const { strongScore, weakScore } = reference.metrics;
    add("random router", "random", reference.metrics.random.curve ?? [
      { strongCallPercent: 0, score: weakScore, pgr: 0 },
      { strongCallPercent: 100, score: strongScore, pgr: 1 },
    ]);
    if (reference.metrics.oracle.curve) add("oracle router", "oracle", reference.metrics.oracle.curve);
    const scoreLevels: ReferenceLevel[] = [
      { label: `strong model only: ${strongScore.toFixed(3)}`, value: strongScore },
      { label: `weak model only: ${weakScore.toFixed(3)}`, value: weakScore },
    ];
    const pgrLevels: ReferenceLevel[] = [
      { label: "strong model only (PGR 1)", value: 1 },
      { label: "weak model only (PGR 0)", value: 0 },
    ];
    const [scoreSvg, pgrSvg] = await Promise.all([
      renderChart(curveSpec({ title: `${group.name}: quality against cost`, subtitle: ["Benchmark score for each share of calls", "sent to the strong model; up and left is better"], yTitle: scoreTitle, rows: scoreRows, levels: scoreLevels, runs: runSeries })),
      renderChart(curveSpec({ title: `${group.name}: performance gap recovered`, subtitle: ["PGR = (score − weak) / (strong − weak);", "above the grey dashed random router is better"], yTitle: "PGR (share of the gap, ratio)", rows: pgrRows, levels: pgrLevels, runs: runSeries })),
    ]);
    figures.push(
      chartFigure({
        name: "benchmark-score",
        svg: scoreSvg,
        caption: "Up and to the left is better: more quality for fewer strong calls. The oracle knows the answers and bounds what any router could do.",
        attributes: { benchmark: group.directory },
      }),
      chartFigure({ name: "pgr", svg: pgrSvg, caption: "The same curve rescaled: 0 is the weak model alone, 1 the strong model alone. APGR is the area under it.", attributes: { benchmark: group.directory } }),
    );
  }

  const withWinRates = group.entries.flatMap((entry) => (entry.winRates && entry.winRates.length > 0 ? [{ run: entry.run, winRates: entry.winRates }] : []));
  if (withWinRates.length > 0) {
    const { rows, thresholds } = histogram(withWinRates.map(({ run, winRates }) => ({ run: routerSeries(run, multiple), winRates })));
    const svg = await renderChart(winRateHistogramSpec({ benchmark: group.name, rows, thresholds, runs: runSeries }));
    figures.push(
      chartFigure({
        name: "win-rate-histogram",
        svg,
        caption: "A router that separates prompts well spreads its win rates out; a narrow spike around one value means it cannot tell prompts apart.",
        attributes: { benchmark: group.directory },
      }),
    );
  }

  for (const entry of group.entries) {
    if (!entry.metrics) {
      notes.push(runNote(entry.run, multiple, notRunYet({ what: `evaluation:${group.directory}`, files: [`evaluation/${group.directory}/metrics.json`], command: `muffler evaluate --run ${entry.run.directory} --benchmark <path>` })));
    } else if (!entry.winRates) {
      notes.push(runNote(entry.run, multiple, notRunYet({ what: `win-rates:${group.directory}`, files: [`evaluation/${group.directory}/win-rates.json`], command: `muffler evaluate --run ${entry.run.directory} --benchmark <path>` })));
    }
  }

  const table = reference ? metricsTable(evaluated, multiple) + servedTables(evaluated, multiple) : "";
  return [
    `<section class="benchmark" data-benchmark="${escapeHtml(group.directory)}">`,
    `<h3>${escapeHtml(group.name)}</h3>`,
    meta ? `<p class="meta">${escapeHtml(meta)}</p>` : "",
    figures.length > 0 ? `<div class="charts">${figures.join("")}</div>` : "",
    table,
    notes.join("\n"),
    "</section>",
  ].join("\n");
}

/** Per run: the target and the realized share of strong calls, score and PGR at the thresholds serving uses. */
function servedTables(evaluated: { run: RunData; metrics: EvaluationResult }[], multiple: boolean): string {
  return evaluated
    .flatMap(({ run, metrics }) => {
      if (metrics.served === undefined || metrics.served.points.length === 0) return [];
      const rows: Cell[][] = metrics.served.points.map((point) => [
        formatPercent(point.strongPercent ?? null),
        formatPercent(point.strongCallPercent),
        formatNumber(point.score, 3),
        formatNumber(point.pgr, 3),
      ]);
      const title = `${multiple ? `${run.name}: ` : ""}at the thresholds serving uses (router.json, calibrated on ${metrics.served.calibratedOn}), not the benchmark's own quantiles`;
      return [`<div class="served" data-table="served-thresholds"><p class="meta">${escapeHtml(title)}</p>${htmlTable({ header: ["Target strong calls", "Realized strong calls", "Score", "PGR"], rows })}</div>`];
    })
    .join("\n");
}

function sortedCurve(curve: CurvePoint[]): CurvePoint[] {
  return [...curve].sort((a, b) => a.strongCallPercent - b.strongCallPercent);
}

/** One row per run's router, then the random and oracle routers (of the first run). */
function metricsTable(evaluated: { run: RunData; metrics: EvaluationResult }[], multiple: boolean): string {
  const row = (label: string, summary: CurveSummary): Cell[] => [
    label,
    formatNumber(summary.apgr, 3),
    formatNumber(summary.auc, 3),
    formatPercent(summary.cpt20),
    formatPercent(summary.cpt50),
    formatPercent(summary.cpt80),
  ];
  const reference = evaluated[0]!.metrics;
  return htmlTable({
    header: ["Router", "APGR", "AUC (score)", "CPT(20 %)", "CPT(50 %)", "CPT(80 %)"],
    rows: [...evaluated.map(({ run, metrics }) => row(routerSeries(run, multiple), metrics)), row("random router", reference.random), row("oracle router", reference.oracle)],
    caption: "APGR: average performance gap recovered (random ≈ 0.5). AUC: mean score over all shares of strong calls. CPT(x %): strong calls needed to recover x % of the gap (lower is better).",
    attributes: 'data-table="benchmark-metrics"',
  });
}

const BINS = 24;

/** Shares of prompts per win-rate bin (common bins for all runs), and each run's median win rate (50 % strong calls). */
function histogram(series: { run: string; winRates: number[] }[]): { rows: HistogramRow[]; thresholds: { run: string; threshold: number }[] } {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const { winRates } of series) {
    for (const value of winRates) {
      if (value < low) low = value;
      if (value > high) high = value;
    }
  }
  if (high - low < 1e-6) {
    low = Math.max(0, low - 0.01);
    high = Math.min(1, high + 0.01);
  }
  const width = (high - low) / BINS;
  const rows: HistogramRow[] = [];
  const thresholds: { run: string; threshold: number }[] = [];
  for (const { run, winRates } of series) {
    const counts = new Array<number>(BINS).fill(0);
    for (const value of winRates) counts[Math.min(BINS - 1, Math.floor((value - low) / width))]!++;
    counts.forEach((count, bin) => rows.push({ run, start: low + bin * width, end: low + (bin + 1) * width, percent: (100 * count) / winRates.length }));
    const sorted = [...winRates].sort((a, b) => a - b);
    const middle = (sorted.length - 1) / 2;
    thresholds.push({ run, threshold: (sorted[Math.floor(middle)]! + sorted[Math.ceil(middle)]!) / 2 });
  }
  return { rows, thresholds };
}
