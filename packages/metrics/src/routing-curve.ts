import { performanceGapRecovered } from "./curve-metrics.ts";
import { goesStrong, type CalibratedThreshold, type ThresholdComparison } from "./thresholds.ts";
import { assertFiniteValues, assertSameLength, mean, type NumericArray } from "./internal/validate.ts";

/** A point of a router's curve on a benchmark. */
export interface CurvePoint {
  /** The target share of strong calls the threshold was calibrated for, 0 to 100. */
  strongPercent: number;
  /** Route to the strong model when `winRate >= threshold` (or `winRate > threshold` with `comparison: ">"`). */
  threshold: number;
  /** Present (`">"`) only at RouteLLM's last quantile-bin edge; otherwise the comparison is `>=`. */
  comparison?: ThresholdComparison;
  /** The measured share of the benchmark's prompts sent to the strong model, 0 to 100. */
  strongCallPercent: number;
  /** Mean score of the routed answers (each prompt scores what the chosen model scored on it). */
  score: number;
  /** Performance gap recovered at this point. */
  pgr: number;
}

/** Per-prompt benchmark scores of the two models (correctness 0/1, or a judge's 1..10). */
export interface BenchmarkScores {
  /** The strong model's score on each prompt. */
  strongScores: NumericArray;
  /** The weak model's score on each prompt, same order. */
  weakScores: NumericArray;
}

/**
 * The router's cost/quality curve on a benchmark: for each threshold, route every prompt (strong when
 * `winRate >= threshold`, or `>` for a threshold with `comparison: ">"`), give each prompt the chosen model's score, and report the measured share of strong calls,
 * the mean score and the PGR. Points come in the order of `thresholds`.
 */
export function routingCurve(options: BenchmarkScores & {
  /** The router's P(strong beats weak) for each benchmark prompt, same order as the scores. */
  winRates: NumericArray;
  /** Where to measure: from {@link calibrateThresholds} or {@link quantileBinThresholds}. */
  thresholds: readonly CalibratedThreshold[];
}): CurvePoint[] {
  const { winRates, strongScores, weakScores } = options;
  assertFiniteValues(winRates, "winRates");
  assertFiniteValues(strongScores, "strongScores");
  assertFiniteValues(weakScores, "weakScores");
  assertSameLength({ winRates, strongScores, weakScores });
  const n = winRates.length;
  const strongScore = mean(strongScores);
  const weakScore = mean(weakScores);
  // Prompts by win rate, highest first: a threshold routes a prefix of this order to the strong model.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => winRates[b]! - winRates[a]!);
  const gainPrefix = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) gainPrefix[k + 1] = gainPrefix[k]! + (strongScores[order[k]!]! - weakScores[order[k]!]!);
  return options.thresholds.map((entry) => {
    // Number of prompts that go strong (a prefix of the descending order): binary search.
    let low = 0;
    let high = n;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (goesStrong(winRates[order[middle]!]!, entry)) low = middle + 1;
      else high = middle;
    }
    const score = weakScore + gainPrefix[low]! / n;
    return {
      strongPercent: entry.strongPercent,
      threshold: entry.threshold,
      ...(entry.comparison === ">" && { comparison: entry.comparison }),
      strongCallPercent: (100 * low) / n,
      score,
      pgr: performanceGapRecovered({ score, strongScore, weakScore }),
    };
  });
}
