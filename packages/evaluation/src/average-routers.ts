import type { MFParameters } from "@muffler/model";

/**
 * One MF whose logits are the mean of the members' logits (an ensemble that is still a single MF router, so it
 * deploys like any other): hidden units are concatenated. Each member's model rows P[m] are normalized first; the
 * concatenated row then has norm sqrt(M), which MF's own normalization divides out, so the classifier is scaled by
 * sqrt(M) / M to give the mean. All members must share models and dimension.
 */
export function averageRouters(members: readonly MFParameters[]): MFParameters {
  const first = members[0]!;
  const M = members.length;
  if (M === 1) return first;
  const N = first.models.length;
  const D = first.dimension;
  const hidden = members.reduce((sum, member) => sum + member.hidden, 0);
  const P = new Float32Array(N * hidden);
  const W = new Float32Array(hidden * D);
  const c = new Float32Array(hidden);
  const scale = Math.sqrt(M) / M;
  let offset = 0;
  for (const member of members) {
    const H = member.hidden;
    for (let m = 0; m < N; m++) {
      let norm = 0;
      for (let h = 0; h < H; h++) norm += member.P[m * H + h]! ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let h = 0; h < H; h++) P[m * hidden + offset + h] = member.P[m * H + h]! / norm;
    }
    W.set(member.W, offset * D);
    for (let h = 0; h < H; h++) c[offset + h] = member.c[h]! * scale;
    offset += H;
  }
  return { models: [...first.models], hidden, dimension: D, P, W, c };
}
