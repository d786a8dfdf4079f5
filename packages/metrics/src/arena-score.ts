import { MufflerError } from "@muffler/core";
import { METRICS_ERROR_CODES } from "./errors.ts";

/** Options of {@link arenaScore}. */
export interface ArenaScoreOptions {
  /** c: USD per 1,000 queries (> 0). */
  costPer1kUsd: number;
  /** A: mean quality (accuracy), 0..1. */
  quality: number;
  /** @default 0.1 */
  beta?: number;
  /** @default 200 */
  maxCostPer1kUsd?: number;
  /** @default 0.0044 */
  minCostPer1kUsd?: number;
}

/**
 * RouterArena's score of a (cost, quality) point (RouteWorks/RouterArena, `compute_arena_score`):
 * C = (log2 200 - log2 c) / (log2 200 - log2 0.0044), S = (1 + beta) A C / (beta A + C), beta = 0.1. A fraction
 * (RouterArena's leaderboard shows it x 100). C is not clipped, as upstream: a cost above $200 per 1k gives C < 0.
 * @throws MufflerError `metrics/out-of-range` for a cost <= 0 or a non-finite value
 */
export function arenaScore(options: ArenaScoreOptions): number {
  const { costPer1kUsd: cost, quality } = options;
  if (!(cost > 0) || !Number.isFinite(cost) || !Number.isFinite(quality)) {
    throw new MufflerError(`RouterArena's score needs a cost per 1,000 queries > 0 and a finite quality (got cost ${cost}, quality ${quality}).`, {
      code: METRICS_ERROR_CODES.outOfRange,
      field: "costPer1kUsd",
    });
  }
  const beta = options.beta ?? 0.1;
  const high = Math.log2(options.maxCostPer1kUsd ?? 200);
  const low = Math.log2(options.minCostPer1kUsd ?? 0.0044);
  const c = (high - Math.log2(cost)) / (high - low);
  return ((1 + beta) * quality * c) / (beta * quality + c);
}
