import { assertInRange } from "./internal/validate.ts";

/** Options of {@link strongPercentGrid}. */
export interface StrongPercentGridOptions {
  /**
   * Distance between two grid points, in percent of calls to the strong model.
   * @default 10
   */
  step?: number;
  /**
   * Explicit strong percents (0 to 100) to use instead of a regular grid; sorted ascending and deduplicated.
   * @default undefined (the regular grid 0, step, 2 * step, ..., 100)
   */
  percents?: readonly number[];
}

/**
 * The target strong-call percents at which thresholds are calibrated and curves measured: `0, 10, ..., 100` by
 * default (RouteLLM's and the seed's 0.0..1.0 by 0.1, in percent), a regular grid of another `step`, or `percents`.
 * 100 is always the last point of a regular grid even when `step` does not divide it.
 */
export function strongPercentGrid(options: StrongPercentGridOptions = {}): number[] {
  if (options.percents !== undefined) {
    options.percents.forEach((percent, index) => assertInRange(percent, 0, 100, `percents.${index}`));
    return [...new Set(options.percents)].sort((a, b) => a - b);
  }
  const step = options.step ?? 10;
  assertInRange(step, Number.MIN_VALUE, 100, "step");
  const grid: number[] = [];
  // Integer multiples, rounded to 10 decimals, so that 0.1-steps give 30 and not 30.000000000000004.
  for (let i = 0; i * step < 100 - 1e-9; i++) grid.push(Math.round(i * step * 1e10) / 1e10);
  grid.push(100);
  return grid;
}
