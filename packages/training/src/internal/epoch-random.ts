import { SeededRandom } from "@muffler/core";

/**
 * The generator of one epoch's shuffle (stream 1) or noise (stream 2), derived from (seed, epoch, stream) alone. An
 * epoch's randomness does not depend on the epochs before it, so the RNG "position" of a checkpoint is its epoch
 * number, and a resumed run draws exactly what an uninterrupted one would.
 */
export function epochRandom(seed: number, epoch: number, stream: 1 | 2): SeededRandom {
  let x = (seed >>> 0) ^ Math.imul(epoch + 1, 0x9e3779b1);
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b) ^ Math.imul(stream, 0xc2b2ae35);
  return new SeededRandom(x >>> 0);
}
