import { MufflerError } from "@muffler/core";
import { arenaScore } from "./arena-score.ts";
import { METRICS_ERROR_CODES } from "./errors.ts";

/** A point of a cost-quality plane: mean USD per 1,000 queries and mean quality. */
export interface CostQualityPoint {
  costPer1k: number;
  quality: number;
}

/** A point of a router's frontier: the point reached with one tradeoff lambda. */
export interface FrontierPoint extends CostQualityPoint {
  /** The tradeoff lambda (quality per USD) that produced it. */
  lambda: number;
}

/** The default lambda sweep: 0, then 10^-1 .. 10^7 in steps of 10^(1/8) (65 values), quality units per USD. */
export function lambdaGrid(): number[] {
  return [0, ...Array.from({ length: 65 }, (_, i) => 10 ** (-1 + i / 8))];
}

/** Options of {@link pointOfChoices}. */
export interface PointOfChoicesOptions {
  /** Per query, the index of the chosen model. */
  choices: ArrayLike<number>;
  /** `scores[model][query]`. */
  scores: readonly ArrayLike<number>[];
  /** `costs[model][query]`, USD. */
  costs: readonly ArrayLike<number>[];
  /** The queries to average over. @default every query */
  rows?: ArrayLike<number>;
}

/** The mean real quality and USD per 1,000 queries of a per-query choice of model. */
export function pointOfChoices(options: PointOfChoicesOptions): CostQualityPoint {
  const rows = options.rows ?? Int32Array.from({ length: options.choices.length }, (_, i) => i);
  if (rows.length === 0) throw new MufflerError("no query to average over.", { code: METRICS_ERROR_CODES.emptyInput, field: "rows" });
  let quality = 0;
  let cost = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const model = options.choices[row]!;
    quality += options.scores[model]![row]!;
    cost += options.costs[model]![row]!;
  }
  return { costPer1k: (1000 * cost) / rows.length, quality: quality / rows.length };
}

/**
 * The oracle's frontier: for each lambda, every query goes to the model with the highest REAL score - lambda x real
 * cost (it knows the answers). No router that picks one model per query does better at any lambda.
 */
export function oracleFrontier(options: { scores: readonly ArrayLike<number>[]; costs: readonly ArrayLike<number>[]; lambdas?: readonly number[]; rows?: ArrayLike<number> }): FrontierPoint[] {
  const n = options.scores[0]?.length ?? 0;
  const choices = new Int32Array(n);
  return (options.lambdas ?? lambdaGrid()).map((lambda) => {
    for (let row = 0; row < n; row++) {
      let best = 0;
      let bestValue = Number.NEGATIVE_INFINITY;
      for (let m = 0; m < options.scores.length; m++) {
        const value = options.scores[m]![row]! - lambda * options.costs[m]![row]!;
        if (value > bestValue || (value === bestValue && options.costs[m]![row]! < options.costs[best]![row]!)) {
          best = m;
          bestValue = value;
        }
      }
      choices[row] = best;
    }
    return { ...pointOfChoices({ choices, scores: options.scores, costs: options.costs, ...(options.rows !== undefined && { rows: options.rows }) }), lambda };
  });
}

/** The points no other point beats (cheaper and at least as good), sorted by cost: quality rises strictly along it. */
export function paretoFrontier<Point extends CostQualityPoint>(points: readonly Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a.costPer1k - b.costPer1k || b.quality - a.quality);
  const frontier: Point[] = [];
  for (const point of sorted) if (frontier.length === 0 || point.quality > frontier[frontier.length - 1]!.quality) frontier.push(point);
  return frontier;
}

/**
 * The upper convex hull of points over cost, from the cheapest to the best: what RANDOM MIXING of them reaches
 * (sending a share p of queries to one and 1 - p to another gives the straight line between them).
 */
export function mixingFrontier(points: readonly CostQualityPoint[]): CostQualityPoint[] {
  const pareto = paretoFrontier(points);
  const hull: CostQualityPoint[] = [];
  for (const point of pareto) {
    while (hull.length >= 2) {
      const a = hull[hull.length - 2]!;
      const b = hull[hull.length - 1]!;
      // drop b when it lies on or below the segment a -> point
      const cross = (b.costPer1k - a.costPer1k) * (point.quality - a.quality) - (b.quality - a.quality) * (point.costPer1k - a.costPer1k);
      if (cross >= 0) hull.pop();
      else break;
    }
    hull.push({ costPer1k: point.costPer1k, quality: point.quality });
  }
  return hull;
}

/**
 * The quality a curve reaches at a cost: linear interpolation between its Pareto points (mixing two neighbouring
 * settings at random reaches it), the best quality beyond its dearest point, and `null` below its cheapest.
 */
export function qualityAtCost(points: readonly CostQualityPoint[], costPer1k: number): number | null {
  const curve = paretoFrontier(points);
  if (curve.length === 0 || costPer1k < curve[0]!.costPer1k) return null;
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1]!;
    const b = curve[i]!;
    if (costPer1k <= b.costPer1k) return a.quality + ((b.quality - a.quality) * (costPer1k - a.costPer1k)) / (b.costPer1k - a.costPer1k);
  }
  return curve[curve.length - 1]!.quality;
}

/**
 * The mean height of a router's frontier above the random-mixing hull of the single models, over the costs from the
 * cheapest single model to the best one: (1 / (c_best - c_cheapest)) x integral of (F(c) - H(c)) dc, in quality units
 * (positive: above the hull). F is {@link qualityAtCost} of the router's points; where the router has no point as cheap
 * as c, that cost counts 0. Integrated on 2,000 equal steps.
 */
export function areaAboveMixingHull(options: { frontier: readonly CostQualityPoint[]; singleModels: readonly CostQualityPoint[] }): number {
  const hull = mixingFrontier(options.singleModels);
  const low = hull[0]!.costPer1k;
  const high = hull[hull.length - 1]!.costPer1k;
  if (!(high > low)) return 0;
  const steps = 2000;
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const cost = low + ((high - low) * i) / steps;
    const router = qualityAtCost(options.frontier, cost);
    const difference = router === null ? 0 : router - qualityAtCost(hull, cost)!;
    sum += (i === 0 || i === steps ? 0.5 : 1) * difference;
  }
  return sum / steps;
}

/** A point with its RouterArena score. */
export type ScoredPoint<Point extends CostQualityPoint> = Point & { arenaScore: number };

/** Adds RouterArena's score to each point ({@link arenaScore}). */
export function withArenaScores<Point extends CostQualityPoint>(points: readonly Point[]): ScoredPoint<Point>[] {
  return points.map((point) => ({ ...point, arenaScore: arenaScore({ costPer1kUsd: point.costPer1k, quality: point.quality }) }));
}

/** The point with the highest RouterArena score. */
export function bestArenaPoint<Point extends CostQualityPoint>(points: readonly Point[]): ScoredPoint<Point> {
  const scored = withArenaScores(points);
  if (scored.length === 0) throw new MufflerError("no point to score.", { code: METRICS_ERROR_CODES.emptyInput, field: "points" });
  return scored.reduce((best, point) => (point.arenaScore > best.arenaScore ? point : best));
}
