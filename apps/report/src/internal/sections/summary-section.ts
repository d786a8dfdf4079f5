import { type Cell, escapeHtml, formatCount, formatNumber, formatPercent, htmlTable } from "../html.ts";
import type { RunData } from "../read-run.ts";
import { benchmarkGroups, modelNames, routerSeries } from "./benchmarks-section.ts";
import { bestRow } from "./training-section.ts";

/** "At a glance": the trade-off in one sentence per benchmark, the runs compared, and the metrics table. */
export function summarySection(runs: RunData[]): string {
  const multiple = runs.length > 1;
  const groups = benchmarkGroups(runs);
  const pairs = [...new Set(runs.filter((run) => run.router.status === "ok" || run.dataset.status === "ok").map((run) => JSON.stringify(modelNames(run))))].map(
    (pair) => JSON.parse(pair) as { strong: string; weak: string },
  );
  const onePair = pairs.length === 1 ? pairs[0] : undefined;
  const cards: string[] = [];
  for (const group of groups) {
    for (const { run, metrics } of group.entries) {
      if (!metrics) continue;
      const heading = multiple ? `${group.name} · ${run.name}` : group.name;
      const figure = metrics.cpt50 === null ? "–" : `${metrics.cpt50.toFixed(1)} %`;
      const random = metrics.random.cpt50 === null ? "–" : `${metrics.random.cpt50.toFixed(1)} %`;
      cards.push(
        `<div class="card" data-card="${escapeHtml(group.directory)}"><div class="card-title">${escapeHtml(heading)}</div><div class="card-figure">${escapeHtml(figure)}</div><div class="card-label">of calls to the strong model recover half of the quality gap</div><div class="card-detail">random router: ${escapeHtml(random)} · APGR ${metrics.apgr.toFixed(3)} (random ${metrics.random.apgr.toFixed(3)})</div></div>`,
      );
    }
  }
  const pairLine = onePair
    ? `<p class="pair">Strong model <strong>${escapeHtml(onePair.strong)}</strong> · weak model <strong>${escapeHtml(onePair.weak)}</strong></p>`
    : "";

  const comparison = htmlTable({
    header: ["Run", ...(onePair ? [] : ["Strong / weak model"]), "Train battles", "Epoch kept", "Validation loss", "Accuracy at 50 % target", ...groups.flatMap((group) => [`APGR ${group.name}`, `CPT(50 %) ${group.name}`])],
    rows: runs.map((run): Cell[] => {
      const names = run.router.status === "ok" || run.dataset.status === "ok" ? modelNames(run) : undefined;
      const best = run.history.status === "ok" ? bestRow(run.history.value) : undefined;
      const atHalf = run.calibration.status === "ok" ? run.calibration.value.thresholds.find((row) => row.strongPercent === 50) : undefined;
      return [
        run.name,
        ...(onePair ? [] : [names ? `${names.strong} / ${names.weak}` : "–"]),
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
        group.name,
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
    pairLine,
    cards.length > 0 ? `<div class="cards">${cards.join("")}</div>` : "",
    comparison,
    metricsTable,
  ].join("\n");
}
