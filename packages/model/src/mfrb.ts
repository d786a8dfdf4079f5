import { MufflerError, SeededRandom } from "@muffler/core";
import { MODEL_ERROR_CODES } from "./errors.ts";
import { normalizedRow } from "./internal/normalize.ts";
import { assertParameterShapes, type MFParameters } from "./mf-parameters.ts";

export interface MFRBOptions {
  /**
   * Standard deviation of Gaussian noise added to the projected prompt W q at inference, as the seed's MFRB does with
   * `noise`. Muffler routes deterministically unless this is set.
   * @default 0
   */
  noise?: number;
  /** Seed of the inference noise. @default 0 */
  seed?: number;
}

/**
 * The MF router in inference form (the seed's MFRB): logit(m, q) = c . (normalize(P[m]) * (W q)) and
 * winRate(strong, weak, q) = sigmoid(logit(strong, q) - logit(weak, q)).
 *
 * Each model's logit is linear in q, so the constructor folds the parameters into one vector per model,
 * a_m = W^T (c * normalize(P[m])) in R^D, and a logit costs one D-dimensional dot product.
 */
export class MFRB {
  readonly models: readonly string[];
  readonly dimension: number;
  readonly hidden: number;
  /** a_m rows, N x D, float64. */
  #folded: Float64Array;
  /** b_m = c * normalize(P[m]), N x H, for inference noise. */
  #scaled: Float64Array;
  #noise: number;
  #random: SeededRandom;

  constructor(parameters: MFParameters, options: MFRBOptions = {}) {
    assertParameterShapes(parameters);
    const { models, hidden, dimension, P, W, c } = parameters;
    this.models = [...models];
    this.hidden = hidden;
    this.dimension = dimension;
    this.#noise = options.noise ?? 0;
    this.#random = new SeededRandom(options.seed ?? 0);
    this.#scaled = new Float64Array(models.length * hidden);
    this.#folded = new Float64Array(models.length * dimension);
    for (let m = 0; m < models.length; m++) {
      const unit = normalizedRow(P, hidden, m);
      const folded = this.#folded.subarray(m * dimension, (m + 1) * dimension);
      for (let h = 0; h < hidden; h++) {
        const b = c[h]! * unit[h]!;
        this.#scaled[m * hidden + h] = b;
        const row = h * dimension;
        for (let d = 0; d < dimension; d++) folded[d]! += b * W[row + d]!;
      }
    }
  }

  /** The id (index) of a model name; throws `model/unknown-model` for a name the router was not trained on. */
  modelId(name: string): number {
    const id = this.models.indexOf(name);
    if (id < 0) {
      throw new MufflerError(`Unknown model "${name}"; this router knows ${this.models.join(", ")}.`, { code: MODEL_ERROR_CODES.unknownModel, field: "model" });
    }
    return id;
  }

  /** a_m = W^T (c * normalize(P[m])), the vector with logit(m, q) = a_m . q (without noise). */
  foldedVector(modelId: number): Float64Array {
    this.#checkId(modelId);
    return this.#folded.slice(modelId * this.dimension, (modelId + 1) * this.dimension);
  }

  /** logit(m, q) = c . (normalize(P[m]) * (W q)). */
  logit(modelId: number, q: Float32Array): number {
    this.#checkId(modelId);
    this.#checkRow(q.length);
    let sum = this.#dot(modelId, q, 0);
    if (this.#noise > 0) sum += this.#noiseTerm(modelId, modelId, false);
    return sum;
  }

  /** P(strong beats weak | q) = sigmoid(logit(strong, q) - logit(weak, q)). */
  winRate(strongId: number, weakId: number, q: Float32Array): number {
    this.#checkId(strongId);
    this.#checkId(weakId);
    this.#checkRow(q.length);
    let difference = this.#dot(strongId, q, 0) - this.#dot(weakId, q, 0);
    if (this.#noise > 0) difference += this.#noiseTerm(strongId, weakId, true);
    return sigmoid(difference);
  }

  /** winRate for each row of `rows` (n x D, row-major). */
  winRates(strongId: number, weakId: number, rows: Float32Array): Float64Array {
    this.#checkId(strongId);
    this.#checkId(weakId);
    const D = this.dimension;
    if (rows.length % D !== 0) {
      throw new MufflerError(`winRates got ${rows.length} values, not a multiple of the router's dimension ${D}.`, { code: MODEL_ERROR_CODES.dimensionMismatch });
    }
    const n = rows.length / D;
    const difference = new Float64Array(D);
    for (let d = 0; d < D; d++) difference[d] = this.#folded[strongId * D + d]! - this.#folded[weakId * D + d]!;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      const offset = i * D;
      for (let d = 0; d < D; d++) sum += difference[d]! * rows[offset + d]!;
      if (this.#noise > 0) sum += this.#noiseTerm(strongId, weakId, true);
      out[i] = sigmoid(sum);
    }
    return out;
  }

  #dot(modelId: number, q: Float32Array, offset: number): number {
    const D = this.dimension;
    const base = modelId * D;
    let sum = 0;
    for (let d = 0; d < D; d++) sum += this.#folded[base + d]! * q[offset + d]!;
    return sum;
  }

  /** (b_first - b_second) . e (or b_first . e) for e ~ N(0, noise^2) in R^H, one draw shared by both models. */
  #noiseTerm(first: number, second: number, difference: boolean): number {
    const H = this.hidden;
    let sum = 0;
    for (let h = 0; h < H; h++) {
      const e = this.#random.normal() * this.#noise;
      const b = this.#scaled[first * H + h]! - (difference ? this.#scaled[second * H + h]! : 0);
      sum += b * e;
    }
    return sum;
  }

  #checkId(modelId: number): void {
    if (!Number.isInteger(modelId) || modelId < 0 || modelId >= this.models.length) {
      throw new MufflerError(`Model id ${modelId} is out of range: this router has ${this.models.length} models (${this.models.join(", ")}).`, {
        code: MODEL_ERROR_CODES.unknownModel,
        field: "modelId",
      });
    }
  }

  #checkRow(length: number): void {
    if (length !== this.dimension) {
      throw new MufflerError(`The prompt embedding has ${length} values but the router expects ${this.dimension}.`, {
        code: MODEL_ERROR_CODES.dimensionMismatch,
        hint: "Embed prompts with the embedder named in router.json.",
      });
    }
  }
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
