import { MufflerError } from "@muffler/core";
import { MODEL_ERROR_CODES } from "./errors.ts";

/**
 * Platt scaling of one candidate's MF logit to its expected quality score:
 * E[score | prompt] = low + (high - low) * sigmoid(intercept + slope * logit).
 */
export interface QualityCalibration {
  intercept: number;
  slope: number;
  /** The score range the estimate maps into. @default [0, 1] */
  scoreRange: [number, number];
}

/** Options of {@link fitQualityCalibration}. */
export interface FitQualityCalibrationOptions {
  /** The candidate's MF logit on each held-out prompt. */
  logits: ArrayLike<number>;
  /** The candidate's real score on each of those prompts. */
  scores: ArrayLike<number>;
  /** The range of the benchmark's scores; scores are mapped to 0..1 inside it (and clipped). @default [0, 1] */
  scoreRange?: [number, number];
  /**
   * L2 penalty on the slope (per prompt), so that a separable or tiny sample gives a finite, modest slope.
   * @default 0.001
   */
  ridge?: number;
}

/**
 * Fits Platt scaling (logistic regression of the score, as a soft 0..1 label, on the logit) by Newton's method on
 * the cross-entropy with step halving. Fractional scores (GPT-4 grades / 10, AlpacaEval's 0 / 0.5 / 1) are soft
 * labels, so the fit is the maximum-likelihood estimate of the expected score. See docs/decisions/0009.
 *
 * @throws MufflerError `model/invalid-options` on empty or mismatched inputs or a non-finite value
 */
export function fitQualityCalibration(options: FitQualityCalibrationOptions): QualityCalibration {
  const { logits, scores } = options;
  const [low, high] = options.scoreRange ?? [0, 1];
  const ridge = options.ridge ?? 1e-3;
  const n = logits.length;
  if (n === 0 || n !== scores.length || !(high > low)) {
    throw new MufflerError(`calibration needs one score per logit and a score range low < high (got ${n} logits, ${scores.length} scores).`, { code: MODEL_ERROR_CODES.invalidOptions, field: "logits" });
  }
  const z = new Float64Array(n);
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(logits[i]!) || !Number.isFinite(scores[i]!)) {
      throw new MufflerError(`calibration input ${i} is not a finite number.`, { code: MODEL_ERROR_CODES.invalidOptions, field: `logits.${i}` });
    }
    z[i] = logits[i]!;
    t[i] = Math.min(1, Math.max(0, (scores[i]! - low) / (high - low)));
  }
  const loss = (a: number, b: number) => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const x = a + b * z[i]!;
      // -[t log s(x) + (1 - t) log(1 - s(x))] = softplus(x) - t x
      sum += (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))) - t[i]! * x;
    }
    return sum / n + (ridge / 2) * b * b;
  };
  let a = 0;
  let b = 0;
  let current = loss(a, b);
  for (let iteration = 0; iteration < 100; iteration++) {
    let ga = 0;
    let gb = 0;
    let haa = 0;
    let hab = 0;
    let hbb = 0;
    for (let i = 0; i < n; i++) {
      const p = sigmoid(a + b * z[i]!);
      const r = p - t[i]!;
      const w = p * (1 - p);
      ga += r;
      gb += r * z[i]!;
      haa += w;
      hab += w * z[i]!;
      hbb += w * z[i]! * z[i]!;
    }
    ga /= n;
    gb = gb / n + ridge * b;
    haa = haa / n + 1e-9;
    hab /= n;
    hbb = hbb / n + ridge + 1e-9;
    const det = haa * hbb - hab * hab;
    let da = (hbb * ga - hab * gb) / det;
    let db = (haa * gb - hab * ga) / det;
    if (!Number.isFinite(da) || !Number.isFinite(db)) break;
    let step = 1;
    let next = loss(a - da, b - db);
    while (next > current && step > 1e-6) {
      step /= 2;
      next = loss(a - step * da, b - step * db);
    }
    if (next > current) break;
    da *= step;
    db *= step;
    a = Math.max(-30, Math.min(30, a - da));
    b -= db;
    const improvement = current - next;
    current = next;
    if (improvement < 1e-12 && Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return { intercept: a, slope: b, scoreRange: [low, high] };
}

/** The expected quality score of a candidate with this calibration at this logit. */
export function expectedQuality(calibration: QualityCalibration, logit: number): number {
  const [low, high] = calibration.scoreRange;
  return low + (high - low) * sigmoid(calibration.intercept + calibration.slope * logit);
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Options of {@link fitQualityCalibrationCv}. */
export interface FitQualityCalibrationCvOptions extends Omit<FitQualityCalibrationOptions, "ridge"> {
  /** The slope penalties to choose from. @default [0.001, 0.01, 0.1, 1, 10, 100] */
  ridges?: readonly number[];
  /** Folds of the choice (rows dealt round-robin). @default 5 */
  folds?: number;
}

/**
 * Platt scaling with the slope penalty chosen by k-fold cross-validation (held-out cross-entropy) on the same
 * calibration rows, then refitted on all of them. When the logit carries no signal the largest penalty wins and the
 * estimate is the candidate's mean score; when it does, a small one keeps the slope. Returns the chosen `ridge` too.
 */
export function fitQualityCalibrationCv(options: FitQualityCalibrationCvOptions): QualityCalibration & { ridge: number } {
  const ridges = options.ridges ?? [0.001, 0.01, 0.1, 1, 10, 100];
  const n = options.logits.length;
  const k = Math.min(options.folds ?? 5, n);
  const range = options.scoreRange ?? [0, 1];
  let best = ridges[0]!;
  if (k >= 2) {
    let bestLoss = Number.POSITIVE_INFINITY;
    for (const ridge of ridges) {
      let loss = 0;
      for (let fold = 0; fold < k; fold++) {
        const train = Array.from({ length: n }, (_, i) => i).filter((i) => i % k !== fold);
        const calibration = fitQualityCalibration({ logits: train.map((i) => options.logits[i]!), scores: train.map((i) => options.scores[i]!), scoreRange: range, ridge });
        for (let i = fold; i < n; i += k) {
          const p = Math.min(1 - 1e-9, Math.max(1e-9, (expectedQuality(calibration, options.logits[i]!) - range[0]) / (range[1] - range[0])));
          const t = Math.min(1, Math.max(0, (options.scores[i]! - range[0]) / (range[1] - range[0])));
          loss -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
        }
      }
      if (loss < bestLoss - 1e-12) {
        bestLoss = loss;
        best = ridge;
      }
    }
  }
  return { ...fitQualityCalibration({ logits: options.logits, scores: options.scores, scoreRange: range, ridge: best }), ridge: best };
}
