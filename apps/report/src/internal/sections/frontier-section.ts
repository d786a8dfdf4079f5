import { frontierSpec, type FrontierChartRow } from "../chart-specs.ts";
import { chartFigure, formatNumber, htmlTable } from "../html.ts";
import type { RunData } from "../read-run.ts";
import { renderChart } from "../render-chart.ts";
import type { FrontierFile } from "../schemas.ts";

/** The priced evaluations of the runs, in run and folder order. */
export function frontierEntries(runs: RunData[]): { run: RunData; directory: string; frontier: FrontierFile }[] {
  return runs.flatMap((run) => run.frontiers.map((entry) => ({ run, ...entry })));
}

/**
 * "Routing among priced candidates": per priced benchmark, the cost-quality chart (router frontier, oracle, random
 * mixing, single models as points), the table of RouterArena scores and each candidate's share of traffic.
 */
export async function frontierSection(runs: RunData[]): Promise<string> {
  const parts: string[] = [];
  for (const { run, frontier } of frontierEntries(runs)) {
    const rows: FrontierChartRow[] = [
      ...frontier.frontier.map((point) => ({ series: "Muffler router", kind: "router" as const, costPer1k: point.costPer1k, quality: point.quality })),
      ...frontier.oracle.frontier.map((point) => ({ series: "oracle", kind: "oracle" as const, costPer1k: point.costPer1k, quality: point.quality })),
      ...frontier.mixingHull.map((point) => ({ series: "random mixing", kind: "mixing" as const, costPer1k: point.costPer1k, quality: point.quality })),
      ...frontier.singleModels.map((model) => ({ series: "single model", kind: "model" as const, costPer1k: model.costPer1k, quality: model.quality, label: model.model })),
    ].filter((row) => row.costPer1k > 0);
    const svg = await renderChart(
      frontierSpec({
        title: `${frontier.benchmark}: quality against cost`,
        subtitle: `${frontier.router}, ${frontier.rows} queries; router's best RouterArena score ${frontier.arenaScore.toFixed(4)}`,
        rows,
      }),
    );
    const table = htmlTable({
      header: ["router / model", "USD per 1k", "quality", "RouterArena score"],
      rows: [
        ...frontier.singleModels.map((model) => [model.model, formatNumber(model.costPer1k, 4), formatNumber(model.quality, 4), formatNumber(model.arenaScore, 4)]),
        [`router, best point (lambda ${frontier.best.lambda.toPrecision(3)})`, formatNumber(frontier.best.costPer1k, 4), formatNumber(frontier.best.quality, 4), formatNumber(frontier.best.arenaScore, 4)],
        ["random (uniform)", formatNumber(frontier.random.costPer1k, 4), formatNumber(frontier.random.quality, 4), formatNumber(frontier.random.arenaScore, 4)],
        ["oracle, best point", formatNumber(frontier.oracle.best.costPer1k, 4), formatNumber(frontier.oracle.best.quality, 4), formatNumber(frontier.oracle.best.arenaScore, 4)],
      ],
      caption: `Mean height of the frontier above random mixing: ${frontier.areaAboveMixingHull.toFixed(4)}.`,
    });
    const shares = htmlTable({
      header: ["candidate", "share of traffic at the best point"],
      rows: frontier.shares.map((share) => [share.model, { number: `${share.percent.toFixed(1)} %` }]),
    });
    parts.push(
      `<h3>${run.name}: ${frontier.benchmark}</h3>`,
      chartFigure({ name: "cost-quality-frontier", svg, caption: "Router frontier over lambda, the oracle, random mixing of single models, and each single model." }),
      table,
      shares,
    );
  }
  return parts.join("\n");
}
