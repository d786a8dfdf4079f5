import { type EpochRow, lossSpec, weightNormSpec } from "../chart-specs.ts";
import { type Cell, chartFigure, formatCount, formatNumber, formatPercent, htmlTable, notRunYet } from "../html.ts";
import type { RunData } from "../read-run.ts";
import { renderChart } from "../render-chart.ts";
import type { TrainingHistory } from "../schemas.ts";
import { runNote } from "./dataset-section.ts";

/** "Training": loss and weight norm per epoch, and the epoch kept. */
export async function trainingSection(runs: RunData[]): Promise<string> {
  const multiple = runs.length > 1;
  const parts: string[] = [];
  const trained = runs.flatMap((run) => (run.history.status === "ok" ? [{ run, history: run.history.value }] : []));
  if (trained.length > 0) {
    const lossRows: EpochRow[] = [];
    const normRows: EpochRow[] = [];
    for (const { run, history } of trained) {
      for (const epoch of history.epochs) {
        lossRows.push({ series: `${run.name} train`, run: run.name, split: "train", epoch: epoch.epoch, value: epoch.trainLoss });
        if (epoch.validationLoss !== undefined) {
          lossRows.push({ series: `${run.name} validation`, run: run.name, split: "validation", epoch: epoch.epoch, value: epoch.validationLoss });
        }
        normRows.push({ series: run.name, run: run.name, split: "train", epoch: epoch.epoch, value: epoch.weightNorm });
      }
    }
    const bestEpochs = trained.map(({ run, history }) => ({ run: run.name, epoch: history.bestEpoch }));
    const [lossSvg, normSvg] = await Promise.all([
      renderChart(lossSpec({ rows: lossRows, bestEpochs, runs: runs.map((run) => run.name) })),
      renderChart(weightNormSpec({ rows: normRows, runs: runs.map((run) => run.name) })),
    ]);
    parts.push(
      `<div class="charts">${chartFigure({
        name: "loss",
        svg: lossSvg,
        caption: "Validation loss that rises while training loss keeps falling means overfitting; the router keeps the weights of the best validation epoch.",
      })}${chartFigure({ name: "weight-norm", svg: normSvg, caption: "Weight decay keeps this in check; a steep climb hints at a learning rate that is too high." })}</div>`,
    );
    parts.push(
      htmlTable({
        header: ["Run", "Epochs", "Epoch kept", "Train loss", "Validation loss", "Validation accuracy", "Training time"],
        rows: trained.map(({ run, history }): Cell[] => {
          const best = bestRow(history);
          const seconds = history.epochs.reduce((sum, epoch) => sum + epoch.seconds, 0);
          return [
            run.name,
            formatCount(history.epochs.length),
            formatCount(history.bestEpoch),
            formatNumber(best?.trainLoss, 4),
            formatNumber(best?.validationLoss, 4),
            formatPercent(best?.validationAccuracy === undefined ? undefined : best.validationAccuracy * 100),
            { number: `${seconds.toFixed(1)} s` },
          ];
        }),
        caption: "At the epoch kept",
        attributes: 'data-table="training"',
      }),
    );
  }
  for (const run of runs) {
    if (run.history.status === "missing") {
      parts.push(runNote(run, multiple, notRunYet({ what: "training", files: ["training/history.json"], command: `muffler train --run ${run.directory}` })));
    }
  }
  return parts.join("\n");
}

/** The history row of the epoch kept (the last one when bestEpoch is not in the list). */
export function bestRow(history: TrainingHistory): TrainingHistory["epochs"][number] | undefined {
  return history.epochs.find((epoch) => epoch.epoch === history.bestEpoch) ?? history.epochs[history.epochs.length - 1];
}
