import { formatTable } from "../cli-output.ts";
import type { PricedEvaluationResult } from "@muffler/evaluation";

const fixed = (value: number | null, digits = 4) => (value === null ? "-" : value.toFixed(digits));

/** The human-readable summary of a priced evaluation: single models, router, oracle, random, half-cost and budgets. */
export function pricedSummary(result: PricedEvaluationResult & { directory?: string }): string {
  const lines = [
    `${result.benchmark}: ${result.rows} queries, ${result.models.length} candidates; router ${result.router}${result.directory ? ` (files in ${result.directory})` : ""}`,
    "",
    formatTable(
      ["router / model", "$ per 1k", "quality", "RouterArena score"],
      [
        ...result.singleModels.map((model) => [model.model, fixed(model.costPer1k), fixed(model.quality), fixed(model.arenaScore)]),
        [`router, best point (lambda ${result.best.lambda.toPrecision(3)})`, fixed(result.best.costPer1k), fixed(result.best.quality), fixed(result.best.arenaScore)],
        ["router, lambda chosen on training parts", fixed(result.selected.costPer1k), fixed(result.selected.quality), fixed(result.selected.arenaScore)],
        ["random (uniform, expectation)", fixed(result.random.costPer1k), fixed(result.random.quality), fixed(result.random.arenaScore)],
        [`oracle, best point`, fixed(result.oracle.best.costPer1k), fixed(result.oracle.best.quality), fixed(result.oracle.best.arenaScore)],
      ],
    ),
    "",
    `best single model by RouterArena score: ${result.bestSingleModel.model} (${fixed(result.bestSingleModel.arenaScore)}); router's best ${fixed(result.arenaScore)}`,
    `at half the cost of ${result.topQualityModel.model} ($${fixed(result.halfCost.costPer1k)} per 1k): router ${fixed(result.halfCost.routerQuality)} (${fixed(result.halfCost.routerShare === null ? null : 100 * result.halfCost.routerShare, 1)}% of ${fixed(result.halfCost.topQuality)}), mixing hull ${fixed(result.halfCost.hullQuality)} (${fixed(result.halfCost.hullShare === null ? null : 100 * result.halfCost.hullShare, 1)}%)`,
    `mean height of the frontier above the mixing hull: ${result.areaAboveMixingHull.toFixed(4)}`,
    "",
    "budgets calibrated to lambda on training traffic (fractions of the top model's cost):",
    formatTable(
      ["fraction", "target $ per 1k", "real $ per 1k", "quality", "share of top quality", "reachable"],
      result.budgets.map((budget) => [budget.fraction, fixed(budget.targetCostPer1k), fixed(budget.costPer1k), fixed(budget.quality), `${(100 * budget.shareOfTopQuality).toFixed(1)}%`, budget.reachable ? "yes" : "no (cheapest)"]),
    ),
    "",
    `traffic at the best point: ${result.shares.filter((share) => share.percent > 0).map((share) => `${share.model} ${share.percent.toFixed(1)}%`).join(", ")}`,
  ];
  return lines.join("\n");
}
