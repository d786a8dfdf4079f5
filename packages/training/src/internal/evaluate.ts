import type { MFParameters } from "@muffler/model";
import type { BattleIndex } from "../training-options.ts";

/** Mean BCE-with-logits loss against ones and the share of battles with logit > 0 (the winner predicted), no noise. */
export function evaluateBattles(parameters: MFParameters, battles: BattleIndex, embeddings: Float32Array): { loss: number; accuracy: number } {
  const { models, hidden: H, dimension: D, P, W, c } = parameters;
  const N = models.length;
  const folded = new Float64Array(N * D);
  for (let m = 0; m < N; m++) {
    let sum = 0;
    for (let h = 0; h < H; h++) sum += P[m * H + h]! * P[m * H + h]!;
    const norm = Math.max(Math.sqrt(sum), 1e-12);
    for (let h = 0; h < H; h++) {
      const b = (c[h]! * P[m * H + h]!) / norm;
      for (let d = 0; d < D; d++) folded[m * D + d]! += b * W[h * D + d]!;
    }
  }
  const count = battles.winnerIds.length;
  let lossSum = 0;
  let correct = 0;
  for (let i = 0; i < count; i++) {
    const win = battles.winnerIds[i]! * D;
    const loss = battles.loserIds[i]! * D;
    const row = battles.promptIndices[i]! * D;
    let z = 0;
    for (let d = 0; d < D; d++) z += (folded[win + d]! - folded[loss + d]!) * embeddings[row + d]!;
    lossSum += z >= 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
    if (z > 0) correct += 1;
  }
  return { loss: count > 0 ? lossSum / count : Number.NaN, accuracy: count > 0 ? correct / count : Number.NaN };
}

/** The L2 norm of all parameters together (P, W and c). */
export function weightNorm(parameters: MFParameters): number {
  let sum = 0;
  for (const array of [parameters.P, parameters.W, parameters.c]) for (let i = 0; i < array.length; i++) sum += array[i]! * array[i]!;
  return Math.sqrt(sum);
}
