import { quantileOfSorted } from "./quantile.ts";
import { strongPercentGrid } from "./strong-percent-grid.ts";
import { assertFiniteValues, assertInRange, sortedCopy, type NumericArray } from "./internal/validate.ts";

/** A routing threshold calibrated for a target share of strong calls. */
export interface CalibratedThreshold {
  /** The target share of calls to the strong model, 0 to 100. */
  strongPercent: number;
  /** Route to the strong model when `winRate >= threshold`. */
  threshold: number;
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
 * RouteLLM's evaluation points: the `bins + 1` edges of `bins` equal-count quantile bins of the win rates
 * (`pandas.qcut(winRates, bins, retbins=True)`, duplicates kept instead of raising), i.e. the quantiles at
 * `0, 1/bins, ..., 1`. Returned with the nominal strong percent `100 * (1 - q)` of each edge, highest threshold
 * (lowest strong percent) first.
 *
 * @param options.bins - @default 10 (11 edges)
 */
export function quantileBinThresholds(options: { winRates: NumericArray; bins?: number }): CalibratedThreshold[] {
  assertFiniteValues(options.winRates, "winRates");
  const bins = options.bins ?? 10;
  assertInRange(bins, 1, Number.MAX_SAFE_INTEGER, "bins");
  const sorted = sortedCopy(options.winRates);
  const edges: CalibratedThreshold[] = [];
  for (let i = bins; i >= 0; i--) {
    // np.linspace(0, 1, bins + 1): i / bins, exactly as pandas computes the qcut probabilities.
    const probability = i / bins;
    edges.push({ strongPercent: Math.round((1 - probability) * 100 * 1e10) / 1e10, threshold: quantileOfSorted(sorted, probability) });
  }
  return edges;
}

/** The routing decision for each prompt: 1 (strong model) where `winRate >= threshold`, else 0 (weak model). */
export function routeToStrong(options: { winRates: NumericArray; threshold: number }): Uint8Array {
  const decisions = new Uint8Array(options.winRates.length);
  for (let i = 0; i < decisions.length; i++) decisions[i] = options.winRates[i]! >= options.threshold ? 1 : 0;
  return decisions;
}
