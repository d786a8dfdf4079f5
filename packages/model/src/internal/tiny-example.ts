import type { MFParameters } from "../mf-parameters.ts";

/**
 * A router small enough to compute by hand (N=2, H=2, D=3), for tests.
 * normalize(P0) = (0.6, 0.8), normalize(P1) = (1, 0); for q = (1, 2, 3): W q = (7, -1),
 * logit0 = 2*0.6*7 + (-1)*0.8*(-1) = 9.2, logit1 = 2*1*7 = 14, winRate(0, 1) = sigmoid(-4.8).
 */
export function tinyParameters(): MFParameters {
  return {
    models: ["strong", "weak"],
    hidden: 2,
    dimension: 3,
    P: new Float32Array([3, 4, 1, 0]),
    W: new Float32Array([1, 0, 2, 0, 1, -1]),
    c: new Float32Array([2, -1]),
  };
}
