import { assertFiniteValues, assertInRange, sortedCopy, type NumericArray } from "./internal/validate.ts";

/**
 * The `probability` quantile of `values` with linear interpolation between order statistics, exactly as
 * `numpy.quantile(values, probability)` (method "linear", the default) and `pandas.Series.quantile`:
 * with the values sorted ascending as `x[0..n-1]`, `h = (n - 1) * probability`, the result is
 * `x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)])`.
 *
 * @param values - The sample (any order; not modified).
 * @param probability - In [0, 1]: 0 gives the minimum, 1 the maximum.
 */
export function quantile(values: NumericArray, probability: number): number {
  assertFiniteValues(values, "values");
  assertInRange(probability, 0, 1, "probability");
  return quantileOfSorted(sortedCopy(values), probability);
}

/** `quantile` over values already sorted ascending (no checks): for computing many quantiles of one sample. */
export function quantileOfSorted(sorted: NumericArray, probability: number): number {
  const n = sorted.length;
  const position = (n - 1) * probability;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, n - 1);
  const fraction = position - lower;
  const low = sorted[lower]!;
  const high = sorted[upper]!;
  // numpy's _lerp: a + (b - a) * t, switched to b - (b - a) * (1 - t) for t >= 0.5 (exact at both ends).
  return fraction >= 0.5 ? high - (high - low) * (1 - fraction) : low + (high - low) * fraction;
}
