import { summarizeCurve, type CurveSummary } from "./curve-metrics.ts";
import { oracleRouter, randomRouter, type BaselineResult } from "./baseline-routers.ts";
import { routingCurve, type BenchmarkScores, type CurvePoint } from "./routing-curve.ts";
import { calibrateThresholds, quantileBinThresholds, type CalibratedThreshold } from "./thresholds.ts";
import { mean, type NumericArray } from "./internal/validate.ts";

/** Where a curve is measured. */
export const EVALUATION_POINTS = ["strong-percent-grid", "quantile-bins"] as const;
export type EvaluationPoints = (typeof EVALUATION_POINTS)[number];

/** A router's figures on one benchmark (`evaluation/<benchmark>/metrics.json`). */
export interface EvaluationResult extends CurveSummary {
  /** The benchmark's name (`mmlu`, `gsm8k`, `mt-bench`). */
  benchmark: string;
  /** What was evaluated: a run directory, a router id, `cv5(use-lite)`. */
  router: string;
  /** Number of benchmark prompts routed. */
  rows: number;
  /** Mean score of the strong model alone. */
  strongScore: number;
  /** Mean score of the weak model alone. */
  weakScore: number;
  /** The router's curve, in the order of the thresholds (highest strong percent last). */
  curve: CurvePoint[];
  /** The random router (an expectation) at the router's measured shares of strong calls. */
  random: BaselineResult;
  /** The oracle router, summary exact at every share, curve at the router's shares. */
  oracle: BaselineResult;
}

/** Options of {@link evaluateRouting}. */
export interface EvaluateRoutingOptions extends BenchmarkScores {
  /** The benchmark's name. */
  benchmark: string;
  /** A name for the router. */
  router: string;
  /** The router's P(strong beats weak) for each benchmark prompt, same order as the scores. */
  winRates: NumericArray;
  /**
   * Thresholds to measure at, e.g. those calibrated on separate traffic and stored in the router manifest.
   * @default calibrated on the benchmark's own win rates at `evaluationPoints`
   */
  thresholds?: readonly CalibratedThreshold[];
  /**
   * `strong-percent-grid`: thresholds `quantile(winRates, 1 - p / 100)` for p in `strongPercents`, each routing with
   * `winRate >= threshold` (Muffler's serving rule: what a served router does at those thresholds);
   * `quantile-bins`: RouteLLM's 11 edges of 10 quantile bins of the win rates with RouteLLM's rule (`>=`, but `>` at the
   * last edge, 0 % strong calls), which reproduces RouteLLM's AUC, APGR and CPT from the same win rates
   * (see {@link quantileBinThresholds}). On the default grid the two differ only at the 0 % point.
   * @default "strong-percent-grid"
   */
  evaluationPoints?: EvaluationPoints;
  /**
   * Target strong percents for `strong-percent-grid`.
   * @default strongPercentGrid() (0, 10, ..., 100)
   */
  strongPercents?: readonly number[];
}

/**
 * Routes every benchmark prompt at each threshold and summarizes the curve (APGR, AUC, CPT 20/50/80) beside the random
 * and the oracle routers.
 */
export function evaluateRouting(options: EvaluateRoutingOptions): EvaluationResult {
  const thresholds =
    options.thresholds ??
    (options.evaluationPoints === "quantile-bins"
      ? quantileBinThresholds({ winRates: options.winRates })
      : calibrateThresholds({
          winRates: options.winRates,
          ...(options.strongPercents !== undefined && { strongPercents: options.strongPercents }),
        }));
  const curve = routingCurve({ ...options, thresholds }).sort((a, b) => a.strongCallPercent - b.strongCallPercent);
  const strongScore = mean(options.strongScores);
  const weakScore = mean(options.weakScores);
  const strongCallPercents = curve.map((point) => point.strongCallPercent);
  const scores = { strongScores: options.strongScores, weakScores: options.weakScores };
  return {
    benchmark: options.benchmark,
    router: options.router,
    rows: options.winRates.length,
    strongScore,
    weakScore,
    ...summarizeCurve({ samples: curve, strongScore, weakScore }),
    curve,
    random: randomRouter({ ...scores, strongCallPercents }),
    oracle: oracleRouter({ ...scores, strongCallPercents }),
  };
}
