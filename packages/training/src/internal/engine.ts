import type { MFParameters } from "@muffler/model";
import type { WeightDecayMode } from "../training-options.ts";

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
  /** "l2": weight decay added to the gradient (torch.optim.Adam); "decoupled": p *= 1 - lr * wd before the step (AdamW). */
  weightDecayMode: WeightDecayMode;
  /** Whether P (the model embeddings) decays; W and c always do. */
  weightDecayOnModels: boolean;
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

/** The weight-decay terms of one parameter for a step: `l2` is added to the gradient, `keep` multiplies the parameter. */
export interface DecayTerms {
  l2: number;
  keep: number;
}

/** PyTorch's semantics: Adam adds wd * p to the gradient; AdamW multiplies p by 1 - lr * wd before its update. */
export function decayTerms(hyperparameters: EngineHyperparameters, learningRate: number, decays = true): DecayTerms {
  const { weightDecay, weightDecayMode } = hyperparameters;
  if (!decays || weightDecay === 0) return { l2: 0, keep: 1 };
  return weightDecayMode === "decoupled" ? { l2: 0, keep: 1 - learningRate * weightDecay } : { l2: weightDecay, keep: 1 };
}
