/** F.normalize's epsilon: a row is divided by max(norm, 1e-12). */
export const NORMALIZE_EPSILON = 1e-12;

/** Row `row` of the N x H matrix `P`, divided by max(its L2 norm, 1e-12), in float64 (as torch's F.normalize). */
export function normalizedRow(P: Float32Array, hidden: number, row: number): Float64Array {
  const out = new Float64Array(hidden);
  let sum = 0;
  for (let h = 0; h < hidden; h++) {
    const value = P[row * hidden + h]!;
    sum += value * value;
  }
  const scale = 1 / Math.max(Math.sqrt(sum), NORMALIZE_EPSILON);
  for (let h = 0; h < hidden; h++) out[h] = P[row * hidden + h]! * scale;
  return out;
}
