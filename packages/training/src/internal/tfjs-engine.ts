import { MufflerError } from "@muffler/core";
import type * as TfModule from "@tensorflow/tfjs";
import type { MFParameters } from "@muffler/model";
import { TRAINING_ERROR_CODES } from "../errors.ts";
import { decayTerms, type AdamState, type Batch, type EngineHyperparameters, type TrainingEngine } from "./engine.ts";

type Tf = typeof TfModule;
type Variable = ReturnType<Tf["variable"]>;
type Tensor = ReturnType<Tf["tensor"]>;

let loading: Promise<Tf> | undefined;

/**
 * Loads tfjs once: @tensorflow/tfjs-node-gpu when it is installed (it brings its own tfjs), otherwise
 * @tensorflow/tfjs on the wasm backend (float32, single-threaded in Node).
 */
export function loadTfjs(): Promise<Tf> {
  loading ??= (async () => {
    const gpuPackage = "@tensorflow/tfjs-node-gpu";
    try {
      const gpu = (await import(/* @vite-ignore */ gpuPackage)) as Tf;
      await gpu.ready();
      return gpu;
    } catch {
      // Not installed: use the wasm backend.
    }
    try {
      const tf = await import("@tensorflow/tfjs");
      await import("@tensorflow/tfjs-backend-wasm");
      if (!(await tf.setBackend("wasm"))) throw new Error("tf.setBackend('wasm') returned false");
      await tf.ready();
      return tf;
    } catch (error) {
      loading = undefined;
      throw new MufflerError(`Could not start tfjs on the wasm backend: ${(error as Error).message}.`, {
        code: TRAINING_ERROR_CODES.engineUnavailable,
        kind: "internal",
        cause: error,
        hint: "Use the fused engine (--engine fused), or reinstall @tensorflow/tfjs-backend-wasm.",
      });
    }
  })();
  return loading;
}

/**
 * The reference engine: a direct transcription of the seed's MFGate with tfjs autograd. The gather P[ids] is a
 * one-hot matMul because the wasm backend has no gradient for gather. Adam is PyTorch's (L2 weight decay added to
 * the gradient, or AdamW's decoupled decay; bias-corrected step, eps added to sqrt(v_hat)), written out in tensor ops.
 */
export class TfjsEngine implements TrainingEngine {
  readonly #tf: Tf;
  readonly #models: string[];
  readonly #N: number;
  readonly #H: number;
  readonly #D: number;
  readonly #P: Variable;
  readonly #W: Variable;
  readonly #c: Variable;
  readonly #moments: [Variable, Variable, Variable][];
  readonly #hyper: EngineHyperparameters;
  #step: number;

  private constructor(tf: Tf, parameters: MFParameters, adam: AdamState, hyperparameters: EngineHyperparameters) {
    this.#tf = tf;
    this.#models = [...parameters.models];
    this.#N = parameters.models.length;
    this.#H = parameters.hidden;
    this.#D = parameters.dimension;
    const { N, H, D } = { N: this.#N, H: this.#H, D: this.#D };
    this.#P = tf.variable(tf.tensor2d(parameters.P, [N, H]), true);
    this.#W = tf.variable(tf.tensor2d(parameters.W, [H, D]), true);
    this.#c = tf.variable(tf.tensor2d(parameters.c, [1, H]), true);
    const moment = (values: Float32Array, shape: [number, number]) => tf.variable(tf.tensor2d(values, shape), false);
    this.#moments = [
      [this.#P, moment(adam.mP, [N, H]), moment(adam.vP, [N, H])],
      [this.#W, moment(adam.mW, [H, D]), moment(adam.vW, [H, D])],
      [this.#c, moment(adam.mc, [1, H]), moment(adam.vc, [1, H])],
    ];
    this.#hyper = hyperparameters;
    this.#step = adam.step;
  }

  static async create(parameters: MFParameters, adam: AdamState, hyperparameters: EngineHyperparameters): Promise<TfjsEngine> {
    return new TfjsEngine(await loadTfjs(), parameters, adam, hyperparameters);
  }

  step(batch: Batch, learningRate: number): number {
    const tf = this.#tf;
    const { size } = batch;
    const N = this.#N;
    this.#step += 1;
    const { beta1, beta2, epsilon } = this.#hyper;
    const bias1 = 1 - beta1 ** this.#step;
    const bias2 = 1 - beta2 ** this.#step;
    return tf.tidy(() => {
      const winners = tf.oneHot(tf.tensor1d(batch.winners.subarray(0, size), "int32"), N).toFloat();
      const losers = tf.oneHot(tf.tensor1d(batch.losers.subarray(0, size), "int32"), N).toFloat();
      const prompts = tf.tensor2d(batch.rows.subarray(0, size * this.#D), [size, this.#D]);
      const normalize = (rows: Tensor) => tf.div(rows, tf.maximum(tf.sqrt(tf.sum(tf.square(rows), 1, true)), 1e-12));
      const { value, grads } = tf.variableGrads(() => {
        // MFGate.forward: normalize(P[win]) - normalize(P[loss]), times W q, through the classifier.
        const strong = normalize(tf.matMul(winners, this.#P));
        const weak = normalize(tf.matMul(losers, this.#P));
        const projected = tf.matMul(prompts, this.#W, false, true);
        const logits = tf.reshape(tf.matMul(tf.mul(tf.sub(strong, weak), projected), this.#c, false, true), [size]);
        // BCEWithLogitsLoss(logits, ones), mean: softplus(-logit).
        return tf.mean(tf.softplus(tf.neg(logits))) as ReturnType<Tf["scalar"]>;
      }, [this.#P, this.#W, this.#c]);
      for (const [variable, moment1, moment2] of this.#moments) {
        const decay = decayTerms(this.#hyper, learningRate, variable !== this.#P || this.#hyper.weightDecayOnModels);
        const gradient = decay.l2 === 0 ? grads[variable.name]! : tf.add(grads[variable.name]!, tf.mul(variable, decay.l2));
        const m = tf.add(tf.mul(moment1, beta1), tf.mul(gradient, 1 - beta1));
        const v = tf.add(tf.mul(moment2, beta2), tf.mul(tf.square(gradient), 1 - beta2));
        const denominator = tf.add(tf.div(tf.sqrt(v), Math.sqrt(bias2)), epsilon);
        const kept = decay.keep === 1 ? variable : tf.mul(variable, decay.keep);
        variable.assign(tf.sub(kept, tf.mul(tf.div(m, denominator), learningRate / bias1)));
        moment1.assign(m);
        moment2.assign(v);
      }
      return value.dataSync()[0]!;
    });
  }

  snapshot(): { parameters: MFParameters; adam: AdamState } {
    const read = (variable: Variable) => Float32Array.from(variable.dataSync() as Float32Array);
    const [[P, mP, vP], [W, mW, vW], [c, mc, vc]] = this.#moments as [[Variable, Variable, Variable], [Variable, Variable, Variable], [Variable, Variable, Variable]];
    return {
      parameters: { models: [...this.#models], hidden: this.#H, dimension: this.#D, P: read(P), W: read(W), c: read(c) },
      adam: { step: this.#step, mP: read(mP), vP: read(vP), mW: read(mW), vW: read(vW), mc: read(mc), vc: read(vc) },
    };
  }

  dispose(): void {
    for (const variables of this.#moments) for (const variable of variables) variable.dispose();
  }
}
