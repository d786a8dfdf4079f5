import { calibrateThresholds } from "./thresholds.ts";
import { assertFiniteValues, assertSameLength, type NumericArray } from "./internal/validate.ts";

/** Counts of routing decisions against the truth; positive = "the strong model is needed". */
export interface ConfusionMatrix {
  /** Routed strong, and the strong model was needed. */
  truePositive: number;
  /** Routed strong, but the weak model would have done. */
  falsePositive: number;
  /** Routed weak, and the weak model did. */
  trueNegative: number;
  /** Routed weak, but the strong model was needed. */
  falseNegative: number;
}

/** Classification figures of one threshold (the `thresholds` entries of `evaluation/calibration.json`). */
export interface ThresholdMetrics {
  /** The target share of strong calls, 0 to 100. */
  strongPercent: number;
  /** Route strong when `winRate >= threshold`. */
  threshold: number;
  /** Measured share of strong calls on these prompts, 0 to 100. */
  strongCallPercent: number;
  /** Share of right decisions, 0 to 1. */
  accuracy: number;
  /** Of the prompts routed strong, the share that needed it (0 when none was routed strong). */
  precisionStrong: number;
  /** Of the prompts that needed the strong model, the share routed strong (0 when none needed it). */
  recallStrong: number;
  /** Harmonic mean of the two above (0 when both are 0). */
  f1Strong: number;
  /** Of the prompts routed weak, the share where the weak model did. */
  precisionWeak: number;
  /** Of the prompts where the weak model did, the share routed weak. */
  recallWeak: number;
  /** Harmonic mean of the two above. */
  f1Weak: number;
  confusion: ConfusionMatrix;
}

/** Options of {@link classificationMetrics}. */
export interface ClassificationMetricsOptions {
  /** P(strong beats weak) for each prompt. */
  winRates: NumericArray;
  /** The truth for each prompt: 1 (or true) where the strong model was needed (it won the battle), else 0. */
  strongNeeded: ArrayLike<number | boolean>;
  /** Route strong when `winRate >= threshold`. */
  threshold: number;
  /**
   * The target strong percent the threshold stands for (reported as is).
   * @default NaN (unknown)
   */
  strongPercent?: number;
}

/**
 * Accuracy, precision/recall/F1 of both classes and the confusion matrix of routing with one threshold, positive =
 * "the strong model is needed". A ratio with a zero denominator is 0 (as scikit-learn's `zero_division=0`).
 */
export function classificationMetrics(options: ClassificationMetricsOptions): ThresholdMetrics {
  const { winRates, strongNeeded, threshold } = options;
  assertFiniteValues(winRates, "winRates");
  assertSameLength({ winRates, strongNeeded: strongNeeded as ArrayLike<number> });
  const confusion: ConfusionMatrix = { truePositive: 0, falsePositive: 0, trueNegative: 0, falseNegative: 0 };
  for (let i = 0; i < winRates.length; i++) {
    const routedStrong = winRates[i]! >= threshold;
    const needed = Boolean(strongNeeded[i]);
    if (routedStrong && needed) confusion.truePositive++;
    else if (routedStrong) confusion.falsePositive++;
    else if (needed) confusion.falseNegative++;
    else confusion.trueNegative++;
  }
  const { truePositive: tp, falsePositive: fp, trueNegative: tn, falseNegative: fn } = confusion;
  const n = winRates.length;
  const precisionStrong = ratio(tp, tp + fp);
  const recallStrong = ratio(tp, tp + fn);
  const precisionWeak = ratio(tn, tn + fn);
  const recallWeak = ratio(tn, tn + fp);
  return {
    strongPercent: options.strongPercent ?? Number.NaN,
    threshold,
    strongCallPercent: (100 * (tp + fp)) / n,
    accuracy: (tp + tn) / n,
    precisionStrong,
    recallStrong,
    f1Strong: ratio(2 * precisionStrong * recallStrong, precisionStrong + recallStrong),
    precisionWeak,
    recallWeak,
    f1Weak: ratio(2 * precisionWeak * recallWeak, precisionWeak + recallWeak),
    confusion,
  };
}

/**
 * Thresholds calibrated on `winRates` for each strong percent (see {@link calibrateThresholds}) with the
 * classification figures of each on the same prompts.
 */
export function thresholdMetrics(options: {
  winRates: NumericArray;
  strongNeeded: ArrayLike<number | boolean>;
  /** @default strongPercentGrid() (0, 10, ..., 100) */
  strongPercents?: readonly number[];
}): ThresholdMetrics[] {
  const thresholds = calibrateThresholds({
    winRates: options.winRates,
    ...(options.strongPercents !== undefined && { strongPercents: options.strongPercents }),
  });
  return thresholds.map(({ strongPercent, threshold }) =>
    classificationMetrics({ winRates: options.winRates, strongNeeded: options.strongNeeded, threshold, strongPercent }),
  );
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}
