import { performanceGapRecovered, summarizeCurve, type CurveSummary } from "./curve-metrics.ts";
import type { BenchmarkScores } from "./routing-curve.ts";
import { assertFiniteValues, assertSameLength, mean } from "./internal/validate.ts";

/** A point of a baseline router's curve (it has no threshold). */
export interface BaselineCurvePoint {
  /** The share of strong calls, 0 to 100. */
  strongCallPercent: number;
  /** Mean score at that share. */
  score: number;
  /** Performance gap recovered at that share. */
  pgr: number;
}

/** A baseline router's figures on a benchmark: its summary and its curve at the compared router's shares of strong calls. */
export interface BaselineResult extends CurveSummary {
  curve: BaselineCurvePoint[];
}

/**
 * The random router as an EXPECTATION, not a sample: sending a share `f` of the prompts, chosen uniformly at random,
 * to the strong model gives in expectation `weakScore + f * (strongScore - weakScore)`, so PGR = f, APGR = 0.5 and
 * CPT(x %) = x % exactly. `strongCallPercents` are the shares at which to report the curve.
 */
export function randomRouter(options: BenchmarkScores & { strongCallPercents: readonly number[] }): BaselineResult {
  const { strongScore, weakScore } = scoresOf(options);
  const curve = options.strongCallPercents.map((strongCallPercent) => {
    const score = weakScore + (strongCallPercent / 100) * (strongScore - weakScore);
    return { strongCallPercent, score, pgr: performanceGapRecovered({ score, strongScore, weakScore }) };
  });
  return { ...summarizeCurve({ samples: curve, strongScore, weakScore }), curve };
}

/**
 * The oracle router: it knows each prompt's scores and sends to the strong model first the prompts where the strong
 * model gains most over the weak one (with 0/1 correctness: strong right and weak wrong), then those where both score
 * the same, and the prompts where the weak model is better last, only when forced by the share of strong calls.
 * For `k` strong calls its score is the weak mean plus the `k` largest gains over `n`: no router can do better with
 * `k` strong calls, and the curve is concave, so its APGR is an upper bound for every router's.
 * The summary is computed at every k = 0..n (exact); the curve is reported at `strongCallPercents`.
 */
export function oracleRouter(options: BenchmarkScores & { strongCallPercents: readonly number[] }): BaselineResult {
  const { strongScore, weakScore } = scoresOf(options);
  const n = options.strongScores.length;
  const gains = Float64Array.from({ length: n }, (_, i) => options.strongScores[i]! - options.weakScores[i]!);
  gains.sort();
  gains.reverse();
  const prefix = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) prefix[k + 1] = prefix[k]! + gains[k]!;
  const at = (k: number) => {
    const score = weakScore + prefix[k]! / n;
    return { strongCallPercent: (100 * k) / n, score, pgr: performanceGapRecovered({ score, strongScore, weakScore }) };
  };
  const everyK = Array.from({ length: n + 1 }, (_, k) => at(k));
  const curve = options.strongCallPercents.map((percent) => ({
    ...at(Math.min(n, Math.max(0, Math.round((percent / 100) * n)))),
    strongCallPercent: percent,
  }));
  return { ...summarizeCurve({ samples: everyK, strongScore, weakScore }), curve };
}

function scoresOf(options: BenchmarkScores): { strongScore: number; weakScore: number } {
  assertFiniteValues(options.strongScores, "strongScores");
  assertFiniteValues(options.weakScores, "weakScores");
  assertSameLength({ strongScores: options.strongScores, weakScores: options.weakScores });
  return { strongScore: mean(options.strongScores), weakScore: mean(options.weakScores) };
}
