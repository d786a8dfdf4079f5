import { type ClassificationRow, classificationSpec } from "../chart-specs.ts";
import { type Cell, chartFigure, escapeHtml, formatNumber, formatPercent, htmlTable, notRunYet } from "../html.ts";
import type { RunData } from "../read-run.ts";
import { renderChart } from "../render-chart.ts";
import type { Calibration } from "../schemas.ts";
import { runNote } from "./dataset-section.ts";

/** "Calibration": the threshold table and precision/recall/F1 and % strong calls against the strong percent. */
export async function calibrationSection(runs: RunData[]): Promise<string> {
  const multiple = runs.length > 1;
  const parts: string[] = [];
  const calibrated = runs.flatMap((run) => (run.calibration.status === "ok" ? [{ run, calibration: run.calibration.value }] : []));
  if (calibrated.length > 0) {
    const rows: ClassificationRow[] = [];
    for (const { run, calibration } of calibrated) {
      for (const row of calibration.thresholds) {
        const add = (metric: string, value: number) => rows.push({ run: run.name, metric, strongPercent: row.strongPercent, value });
        add("Precision (strong)", row.precisionStrong * 100);
        add("Recall (strong)", row.recallStrong * 100);
        add("F1 (strong)", row.f1Strong * 100);
        add("Accuracy", row.accuracy * 100);
        add("Strong calls (measured)", row.strongCallPercent);
      }
    }
    const svg = await renderChart(classificationSpec({ rows, multipleRuns: multiple }));
    parts.push(
      `<div class="charts">${chartFigure({
        name: "classification",
        svg,
        caption:
          "Each target share of strong calls gets a threshold on the win rate. Recall (strong) is the share of prompts that need the strong model and get it; precision (strong) is the share of strong calls that were needed.",
      })}</div>`,
    );
    calibrated.forEach(({ run, calibration }, index) => {
      const table = thresholdTable(calibration);
      const summary = `Thresholds${multiple ? ` of ${run.name}` : ""} (${calibration.split} split, ${calibration.rows.toLocaleString("en-US")} battles)`;
      parts.push(`<details class="thresholds"${index === 0 ? " open" : ""} data-table="thresholds"><summary>${escapeHtml(summary)}</summary>${table}</details>`);
    });
  }
  for (const run of runs) {
    if (run.calibration.status === "missing") {
      parts.push(runNote(run, multiple, notRunYet({ what: "calibration", files: ["evaluation/calibration.json"], command: `muffler calibrate --run ${run.directory}` })));
    }
  }
  return parts.join("\n");
}

function thresholdTable(calibration: Calibration): string {
  return htmlTable({
    header: ["Target", "Threshold", "Strong calls", "Accuracy", "P strong", "R strong", "F1 strong", "P weak", "R weak", "F1 weak", "TP / FP / TN / FN"],
    caption:
      "Target: the share of strong calls asked for; strong calls: the share measured. P, R, F1: precision, recall and F1 of the \"strong model needed\" (strong) and \"weak model is enough\" (weak) classes. TP/FP/TN/FN: the confusion counts, positive = strong model needed.",
    rows: calibration.thresholds.map((row): Cell[] => [
      `${row.strongPercent} %`,
      formatNumber(row.threshold, 4),
      formatPercent(row.strongCallPercent),
      formatPercent(row.accuracy * 100),
      formatPercent(row.precisionStrong * 100),
      formatPercent(row.recallStrong * 100),
      formatPercent(row.f1Strong * 100),
      formatPercent(row.precisionWeak * 100),
      formatPercent(row.recallWeak * 100),
      formatPercent(row.f1Weak * 100),
      { number: [row.confusion.truePositive, row.confusion.falsePositive, row.confusion.trueNegative, row.confusion.falseNegative].map((count) => count.toLocaleString("en-US")).join(" / ") },
    ]),
  });
}
