import { routingCurve, type CurvePoint } from "@muffler/metrics";

/** Options of {@link servedThresholdFigures}. */
export interface ServedThresholdFiguresOptions {
  /** The router's win rates on the benchmark, one per prompt. */
  winRates: ArrayLike<number>;
  strongScores: ArrayLike<number>;
  weakScores: ArrayLike<number>;
  /** The thresholds stored in `router/router.json` (what `muffler serve` routes with). */
  thresholds: readonly { strongPercent: number; threshold: number; calibratedOn?: string }[];
}

/**
 * What serving would realize on a benchmark: at each threshold stored in the router bundle (calibrated on the test
 * split or on traffic, never on the benchmark), the share of the benchmark's prompts actually sent to the strong
 * model, the mean score and the PGR. Beside the in-sample curve (thresholds from the benchmark's own win rates), this
 * says how far the target shares drift on traffic like the benchmark.
 */
export interface ServedThresholdFigures {
  /** Where the thresholds were calibrated (`test`, or a prompts file), from the manifest. */
  calibratedOn: string;
  /** One point per stored threshold: target `strongPercent`, realized `strongCallPercent`, `score`, `pgr`. */
  points: CurvePoint[];
}

/** The served-threshold figures of a router on a benchmark (see {@link ServedThresholdFigures}). */
export function servedThresholdFigures(options: ServedThresholdFiguresOptions): ServedThresholdFigures {
  const calibratedOn = [...new Set(options.thresholds.map((entry) => entry.calibratedOn ?? "unknown"))].join(", ");
  const points = routingCurve({
    winRates: options.winRates,
    strongScores: options.strongScores,
    weakScores: options.weakScores,
    thresholds: options.thresholds.map(({ strongPercent, threshold }) => ({ strongPercent, threshold })),
  });
  return { calibratedOn, points };
}
