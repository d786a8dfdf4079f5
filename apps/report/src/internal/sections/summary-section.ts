import { type Cell, escapeHtml, formatCount, formatNumber, formatPercent, htmlTable } from "../html.ts";
import type { RunData } from "../read-run.ts";
import { benchmarkGroups, modelNames, routerSeries } from "./benchmarks-section.ts";
import { bestRow } from "./training-section.ts";

/** "At a glance": the trade-off in one sentence per benchmark, the runs compared, and the metrics table. */
export function summarySection(runs: RunData[]): string {
  const multiple = runs.length > 1;
  const groups = benchmarkGroups(runs);
  const headlines: string[] = [];
  for (const group of groups) {
    for (const { run, metrics } of group.entries) {
      if (!metrics) continue;
      const names = modelNames(run);
      const who = multiple ? `<strong>${escapeHtml(run.name)}</strong>` : "the router";
      const cpt50 = metrics.cpt50 === null ? "never" : `<strong>${metrics.cpt50.toFixed(1)} %</strong>`;
      const random = metrics.random.cpt50 === null ? "" : ` (a random router needs ${metrics.random.cpt50.toFixed(1)} %)`;
      headlines.push(
        `<li><span class="bench">${escapeHtml(group.name)}</span> ${who} recovers half of the quality gap between ${escapeHtml(names.weak)} and ${escapeHtml(names.strong)} with ${cpt50} of calls to the strong model${escapeHtml(random)}; APGR ${metrics.apgr.toFixed(3)} against ${metrics.random.apgr.toFixed(3)} for random.</li>`,
      );
    }
  }

  const comparison = htmlTable({
    header: ["Run", "Strong / weak model", "Train battles", "Epoch kept", "Validation loss", "Accuracy at 50 % target", ...groups.flatMap((group) => [`APGR ${group.name}`, `CPT(50 %) ${group.name}`])],
    rows: runs.map((run): Cell[] => {
      const names = run.router.status === "ok" || run.dataset.status === "ok" ? modelNames(run) : undefined;
      const best = run.history.status === "ok" ? bestRow(run.history.value) : undefined;
      const atHalf = run.calibration.status === "ok" ? run.calibration.value.thresholds.find((row) => row.strongPercent === 50) : undefined;
      return [
        run.name,
        names ? `${names.strong} / ${names.weak}` : "–",
        formatCount(run.dataset.status === "ok" ? run.dataset.value.rows.train : undefined),
        formatCount(run.history.status === "ok" ? run.history.value.bestEpoch : undefined),
        formatNumber(best?.validationLoss, 4),
        formatPercent(atHalf ? atHalf.accuracy * 100 : undefined),
        ...groups.flatMap((group): Cell[] => {
          const metrics = group.entries.find((entry) => entry.run === run)?.metrics;
          return [formatNumber(metrics?.apgr, 3), formatPercent(metrics?.cpt50)];
        }),
      ];
    }),
    caption: multiple ? "The runs side by side" : "The run",
    attributes: 'data-table="comparison"',
  });

  const metricRows: Cell[][] = [];
  for (const group of groups) {
    for (const { run, metrics } of group.entries) {
      if (!metrics) continue;
      metricRows.push([
        `${group.name}${multiple ? ` · ${run.name}` : ""}`,
        routerSeries(run, multiple),
        formatNumber(metrics.apgr, 3),
        formatNumber(metrics.auc, 3),
        formatPercent(metrics.cpt20),
        formatPercent(metrics.cpt50),
        formatPercent(metrics.cpt80),
        formatNumber(metrics.random.apgr, 3),
        formatNumber(metrics.oracle.apgr, 3),
      ]);
    }
  }
  const metricsTable =
    metricRows.length === 0
      ? ""
      : htmlTable({
          header: ["Benchmark", "Router", "APGR", "AUC (score)", "CPT(20 %)", "CPT(50 %)", "CPT(80 %)", "APGR random", "APGR oracle"],
          rows: metricRows,
          caption: "Routing metrics (higher APGR and AUC, lower CPT are better)",
          attributes: 'data-table="metrics"',
        });

  return [
    `<div class="explainer"><p><strong>How to read this report.</strong> The router gives every prompt a <em>win rate</em>: the probability that the strong (expensive) model answers better than the weak (cheap) one. Prompts whose win rate reaches a threshold go to the strong model. A lower threshold sends more calls to the strong model: better answers, higher cost. The curves below show how much of the strong model's quality each share of strong calls buys, against a router that picks at random.</p></div>`,
    headlines.length > 0 ? `<ul class="headlines">${headlines.join("")}</ul>` : "",
    comparison,
    metricsTable,
  ].join("\n");
}
