import { labelRatioSpec, type LabelRatioRow } from "../chart-specs.ts";
import { type Cell, chartFigure, escapeHtml, formatCount, formatPercent, htmlTable, notRunYet } from "../html.ts";
import type { RunData } from "../read-run.ts";
import { renderChart } from "../render-chart.ts";
import type { DatasetManifest } from "../schemas.ts";

/** "Dataset and router": row counts, models, win ratios (chart), and the router's shape. */
export async function datasetSection(runs: RunData[]): Promise<string> {
  const multiple = runs.length > 1;
  const parts: string[] = [];
  const withDataset = runs.filter((run) => run.dataset.status === "ok");
  for (const run of runs) {
    if (run.dataset.status === "missing") {
      parts.push(runNote(run, multiple, notRunYet({ what: "dataset", files: ["dataset/manifest.json"], command: `muffler prepare --run ${run.directory}` })));
    }
  }
  if (withDataset.length > 0) {
    const rows: Cell[][] = withDataset.map((run) => {
      const manifest = (run.dataset as { value: DatasetManifest }).value;
      const strongWins = manifest.labelRatios.train.model_a;
      return [
        run.name,
        manifest.strongModel ?? "–",
        manifest.weakModel ?? "–",
        formatCount(manifest.rows.train),
        formatCount(manifest.rows.test),
        formatCount(manifest.rows.trainBalanced),
        formatPercent(strongWins === undefined ? undefined : strongWins * 100),
      ];
    });
    parts.push(
      htmlTable({
        header: ["Run", "Strong model", "Weak model", "Train battles", "Test battles", "Train, balanced", "Strong model wins (train)"],
        rows,
        attributes: 'data-table="dataset"',
      }),
    );
    const ratioRows: LabelRatioRow[] = [];
    for (const run of withDataset) {
      const manifest = (run.dataset as { value: DatasetManifest }).value;
      const group = (split: string) => (multiple ? `${run.name} · ${split}` : split);
      const add = (split: string, ratios: Record<string, number>) => {
        for (const [label, share] of Object.entries(ratios)) ratioRows.push({ group: group(split), label: outcomeLabel(label), percent: share * 100 });
      };
      add("train", manifest.labelRatios.train);
      add("test", manifest.labelRatios.test);
      if (manifest.balancedLabelRatios) add("balanced train", manifest.balancedLabelRatios);
    }
    const svg = await renderChart(labelRatioSpec(ratioRows));
    parts.push(
      `<div class="charts">${chartFigure({ name: "label-ratios", svg, caption: "How often each model won the battles the router learns from. A router learns little when one side almost always wins." })}</div>`,
    );
  }

  const withRouter = runs.filter((run) => run.router.status === "ok");
  if (withRouter.length > 0) {
    parts.push(
      htmlTable({
        header: ["Run", "Embedder", "Embedding dimension", "Hidden size", "Models", "Thresholds calibrated on"],
        rows: withRouter.map((run) => {
          const router = run.router.status === "ok" ? run.router.value : undefined;
          const calibratedOn = [...new Set((router?.thresholds ?? []).map((row) => row.calibratedOn))].join(", ");
          return [
            run.name,
            router?.embedder.name ?? "–",
            formatCount(router?.dimension),
            formatCount(router?.hidden),
            formatCount(router?.models.length),
            calibratedOn || "not calibrated",
          ];
        }),
        caption: "The trained router (router/router.json)",
        attributes: 'data-table="router"',
      }),
    );
  }
  for (const run of runs) {
    if (run.router.status === "missing" && run.dataset.status === "ok") {
      parts.push(runNote(run, multiple, notRunYet({ what: "router", files: ["router/router.json"], command: `muffler train --run ${run.directory}` })));
    }
  }
  return parts.join("\n");
}

/** `model_a` is the strong side of an oriented battle, `model_b` the weak one. */
function outcomeLabel(label: string): string {
  if (label === "model_a") return "strong model wins";
  if (label === "model_b") return "weak model wins";
  return label;
}

/** A note about one run, prefixed with its name when several runs are shown. */
export function runNote(run: RunData, multiple: boolean, html: string): string {
  return multiple ? `<div class="run-note"><span class="run-name">${escapeHtml(run.name)}</span>${html}</div>` : html;
}
