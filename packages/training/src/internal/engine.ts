import type { MFParameters } from "@muffler/model";

/** Adam's first and second moments for each parameter, and the number of steps taken. */
export interface AdamState {
  step: number;
  mP: Float32Array;
  vP: Float32Array;
  mW: Float32Array;
  vW: Float32Array;
  mc: Float32Array;
  vc: Float32Array;
}

/** A mini-batch: winner ids, loser ids and the gathered (and noised) prompt rows, `size` x D. */
export interface Batch {
  size: number;
  winners: Int32Array;
  losers: Int32Array;
  rows: Float32Array;
}

export interface EngineHyperparameters {
  weightDecay: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** One training engine: the same mathematics (BCE-with-logits vs ones, PyTorch's Adam with L2 weight decay). */
export interface TrainingEngine {
  /** One Adam step on `batch`; returns the batch's mean loss before the update. */
  step(batch: Batch, learningRate: number): number;
  /** The current parameters and Adam state (copies). */
  snapshot(): { parameters: MFParameters; adam: AdamState };
  dispose(): void;
}

/** Zeroed Adam state for `parameters`. */
export function emptyAdamState(parameters: MFParameters): AdamState {
  return {
    step: 0,
    mP: new Float32Array(parameters.P.length),
    vP: new Float32Array(parameters.P.length),
    mW: new Float32Array(parameters.W.length),
    vW: new Float32Array(parameters.W.length),
    mc: new Float32Array(parameters.c.length),
    vc: new Float32Array(parameters.c.length),
  };
}
