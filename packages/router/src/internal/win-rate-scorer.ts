import type { RouterParameters } from "./contracts.ts";

/**
 * P(strong beats weak | q) for the MF router, folded into one D-vector.
 *
 * logit(m, q) = c . (norm(P[m]) * (W q)), so logit(strong) - logit(weak) = (W^T (c * (norm(P[s]) - norm(P[w])))) . q.
 * Folding W, c and the two model rows once at load time makes each decision a single dot product of length D.
 */
export class WinRateScorer {
  readonly dimension: number;
  readonly #direction: Float64Array;

  constructor(parameters: RouterParameters, strongId: number, weakId: number) {
    const { hidden, dimension, P, W, c } = parameters;
    const strong = normalizedRow(P, strongId, hidden);
    const weak = normalizedRow(P, weakId, hidden);
    const direction = new Float64Array(dimension);
    for (let h = 0; h < hidden; h++) {
      const weight = (c[h] ?? 0) * ((strong[h] ?? 0) - (weak[h] ?? 0));
      if (weight === 0) continue;
      const offset = h * dimension;
      for (let d = 0; d < dimension; d++) direction[d]! += weight * W[offset + d]!;
    }
    this.dimension = dimension;
    this.#direction = direction;
  }

  /** The win rate of the strong model for one L2-normalized prompt embedding of length D. */
  winRate(embedding: Float32Array): number {
    const direction = this.#direction;
    let logit = 0;
    for (let d = 0; d < direction.length; d++) logit += direction[d]! * embedding[d]!;
    return 1 / (1 + Math.exp(-logit));
  }
}

function normalizedRow(P: Float32Array, row: number, hidden: number): Float64Array {
  const out = new Float64Array(hidden);
  let norm = 0;
  for (let h = 0; h < hidden; h++) {
    const value = P[row * hidden + h]!;
    out[h] = value;
    norm += value * value;
  }
  norm = Math.sqrt(norm);
  // torch.nn.functional.normalize divides by max(norm, 1e-12).
  const divisor = Math.max(norm, 1e-12);
  for (let h = 0; h < hidden; h++) out[h]! /= divisor;
  return out;
}
