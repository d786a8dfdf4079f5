import { quantileOfSorted } from "./quantile.ts";
import { strongPercentGrid } from "./strong-percent-grid.ts";
import { assertFiniteValues, assertInRange, sortedCopy, type NumericArray } from "./internal/validate.ts";

/**
 * How a win rate is compared with a threshold: `>=` (Muffler's serving rule, every calibrated threshold) or `>`
 * (RouteLLM's rule at the last quantile-bin edge, the highest win rate, where it sends no prompt to the strong model).
 */
export const THRESHOLD_COMPARISONS = [">=", ">"] as const;
export type ThresholdComparison = (typeof THRESHOLD_COMPARISONS)[number];

/** A routing threshold calibrated for a target share of strong calls. */
export interface CalibratedThreshold {
  /** The target share of calls to the strong model, 0 to 100. */
  strongPercent: number;
  /** Route to the strong model when `winRate >= threshold` (or `winRate > threshold` with `comparison: ">"`). */
  threshold: number;
  /**
   * The comparison this threshold routes with. Only {@link quantileBinThresholds}' last edge sets `">"`.
   * @default ">="
   */
  comparison?: ThresholdComparison;
}

/**
 * The threshold that sends about `strongPercent` % of the calls to the strong model:
 * `quantile(winRates, 1 - strongPercent / 100)` with numpy's linear interpolation (see {@link quantile}).
 * Routing with `winRate >= threshold` then sends at least that share (more when win rates tie at the threshold;
 * at 0 % the prompts that share the highest win rate still go to the strong model).
 */
export function thresholdForStrongPercent(options: {
  /** P(strong beats weak) for each prompt of the calibration set. */
  winRates: NumericArray;
  /** Target share of strong calls, 0 to 100. */
  strongPercent: number;
}): number {
  assertFiniteValues(options.winRates, "winRates");
  assertInRange(options.strongPercent, 0, 100, "strongPercent");
  return quantileOfSorted(sortedCopy(options.winRates), 1 - options.strongPercent / 100);
}

/** Options of {@link calibrateThresholds}. */
export interface CalibrateThresholdsOptions {
  /** P(strong beats weak) for each prompt of the calibration set (traffic-like prompts, not the evaluation set). */
  winRates: NumericArray;
  /**
   * Target strong percents, 0 to 100.
   * @default strongPercentGrid() (0, 10, ..., 100)
   */
  strongPercents?: readonly number[];
}

/** One {@link thresholdForStrongPercent} per target strong percent, sorted by strong percent. */
export function calibrateThresholds(options: CalibrateThresholdsOptions): CalibratedThreshold[] {
  assertFiniteValues(options.winRates, "winRates");
  const sorted = sortedCopy(options.winRates);
  return strongPercentGrid(options.strongPercents === undefined ? {} : { percents: options.strongPercents }).map(
    (strongPercent) => ({ strongPercent, threshold: quantileOfSorted(sorted, 1 - strongPercent / 100) }),
  );
}

/**
 * RouteLLM's evaluation points, exactly as its `benchmarks.py` routes: the `bins + 1` edges of `bins` equal-count
 * quantile bins of the win rates (`pandas.qcut(winRates, bins, retbins=True)`: numpy's linear quantile at
 * `np.linspace(0, 1, bins + 1)`, i.e. the fractions `k * (1 / bins)` in float64, so `3 * 0.1 = 0.30000000000000004`),
 * each routing strong when `winRate >= edge`, except the last edge (the highest win rate), which routes strong when
 * `winRate > edge` (`comparison: ">"`): 0 % strong calls there, where a `>=` rule would still send the prompts holding
 * the highest win rate. Returned with the nominal strong percent `100 * (1 - q)` of each edge, highest threshold
 * (lowest strong percent) first.
 *
 * Tied edges (many equal win rates make two edges equal): RouteLLM's `pd.qcut` raises "Bin edges must be unique" and
 * its run stops; Muffler keeps every edge and measures each (equal edges give equal points, merged when the curve is
 * integrated), so the curve still has `bins + 1` points. Its figures then have no RouteLLM counterpart.
 *
 * @param options.bins - @default 10 (11 edges)
 */
export function quantileBinThresholds(options: { winRates: NumericArray; bins?: number }): CalibratedThreshold[] {
  assertFiniteValues(options.winRates, "winRates");
  const bins = options.bins ?? 10;
  assertInRange(bins, 1, Number.MAX_SAFE_INTEGER, "bins");
  const sorted = sortedCopy(options.winRates);
  const step = 1 / bins;
  const edges: CalibratedThreshold[] = [];
  for (let i = bins; i >= 0; i--) {
    // np.linspace(0, 1, bins + 1): i * step for i < bins, and exactly 1 at the end (pandas 1.5's qcut probabilities).
    const probability = i === bins ? 1 : i * step;
    const strongPercent = Math.round((1 - i / bins) * 100 * 1e10) / 1e10;
    const threshold = quantileOfSorted(sorted, probability);
    edges.push(i === bins ? { strongPercent, threshold, comparison: ">" } : { strongPercent, threshold });
  }
  return edges;
}

/**
 * The routing decision for each prompt: 1 (strong model) where `winRate >= threshold` (or `winRate > threshold` with
 * `comparison: ">"`), else 0 (weak model).
 */
export function routeToStrong(options: {
  winRates: NumericArray;
  threshold: number;
  /** @default ">=" (the serving rule) */
  comparison?: ThresholdComparison;
}): Uint8Array {
  const decisions = new Uint8Array(options.winRates.length);
  for (let i = 0; i < decisions.length; i++) decisions[i] = goesStrong(options.winRates[i]!, options) ? 1 : 0;
  return decisions;
}

/** Whether a prompt with this win rate goes to the strong model under this threshold (the one definition). */
export function goesStrong(winRate: number, threshold: { threshold: number; comparison?: ThresholdComparison }): boolean {
  return threshold.comparison === ">" ? winRate > threshold.threshold : winRate >= threshold.threshold;
}
