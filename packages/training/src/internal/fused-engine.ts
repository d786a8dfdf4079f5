import type { MFParameters } from "@muffler/model";
import type { AdamState, Batch, EngineHyperparameters, TrainingEngine } from "./engine.ts";

const NORMALIZE_EPSILON = 1e-12;

/**
 * The fused engine: the MF gate's forward pass and gradients gathered per model instead of per example (see the
 * package README for the derivation). With u_m = normalize(P_m), b_m = c * u_m and a_m = W^T b_m:
 *
 *   z_i = (a_win - a_loss) . q_i                        forward, O(B*D) once a_m is known
 *   g_i = dL/dz_i = -sigmoid(-z_i) / B                  BCE-with-logits against ones, mean
 *   r_m = sum_i g_i (+1 if m won i, -1 if m lost i) q_i  O(B*D)
 *   dW  = sum_m b_m r_m^T                               rank <= N, formed row by row inside the Adam update
 *   t_m = W r_m,  dc = sum_m u_m * t_m,  dU_m = c * t_m,  dP_m = (dU_m - u_m (u_m . dU_m)) / |P_m|
 *
 * A step costs O(B*D + K*H*D) for K models in the batch, plus the Adam update of W (H*D), which is fused with
 * forming dW and with refolding a_m for the next step, so W, its moments and a_m are streamed once per step.
 * Parameters and Adam moments are stored in float32 (as PyTorch does); arithmetic is float64.
 */
export class FusedEngine implements TrainingEngine {
  readonly #models: string[];
  readonly #N: number;
  readonly #H: number;
  readonly #D: number;
  readonly #P: Float32Array;
  readonly #W: Float32Array;
  readonly #c: Float32Array;
  readonly #adam: AdamState;
  readonly #hyper: EngineHyperparameters;
  /** normalize(P) rows, N x H. */
  #u: Float64Array;
  /** |P_m| clamped at 1e-12. */
  #norms: Float64Array;
  /** b_m = c * u_m, N x H (current) and the next step's (double-buffered). */
  #b: Float64Array;
  #bNext: Float64Array;
  /** a_m = W^T b_m, N x D. */
  #a: Float64Array;
  /** Scratch. */
  #r: Float64Array;
  #t: Float64Array;
  #gradRow: Float64Array;
  #gradP: Float64Array;
  #gradC: Float64Array;
  #difference: Float64Array;
  #active: Int32Array;
  #isActive: Uint8Array;

  constructor(parameters: MFParameters, adam: AdamState, hyperparameters: EngineHyperparameters) {
    this.#models = [...parameters.models];
    this.#N = parameters.models.length;
    this.#H = parameters.hidden;
    this.#D = parameters.dimension;
    this.#P = parameters.P.slice();
    this.#W = parameters.W.slice();
    this.#c = parameters.c.slice();
    this.#adam = { ...adam, mP: adam.mP.slice(), vP: adam.vP.slice(), mW: adam.mW.slice(), vW: adam.vW.slice(), mc: adam.mc.slice(), vc: adam.vc.slice() };
    this.#hyper = hyperparameters;
    const N = this.#N;
    const H = this.#H;
    const D = this.#D;
    this.#u = new Float64Array(N * H);
    this.#norms = new Float64Array(N);
    this.#b = new Float64Array(N * H);
    this.#bNext = new Float64Array(N * H);
    this.#a = new Float64Array(N * D);
    this.#r = new Float64Array(N * D);
    this.#t = new Float64Array(N * H);
    this.#gradRow = new Float64Array(D);
    this.#gradP = new Float64Array(N * H);
    this.#gradC = new Float64Array(H);
    this.#difference = new Float64Array(D);
    this.#active = new Int32Array(N);
    this.#isActive = new Uint8Array(N);
    this.#normalizeInto(this.#b);
    this.#fold();
  }

  step(batch: Batch, learningRate: number): number {
    const N = this.#N;
    const H = this.#H;
    const D = this.#D;
    const { size, winners, losers, rows } = batch;
    const a = this.#a;
    const r = this.#r;
    const isActive = this.#isActive;
    const active = this.#active;
    let activeCount = 0;
    const difference = this.#difference;

    // Forward, loss and r_m, one pass over the batch rows.
    let lossSum = 0;
    for (let i = 0; i < size; i++) {
      const win = winners[i]!;
      const loss = losers[i]!;
      if (isActive[win] === 0) {
        isActive[win] = 1;
        active[activeCount++] = win;
        r.fill(0, win * D, (win + 1) * D);
      }
      if (isActive[loss] === 0) {
        isActive[loss] = 1;
        active[activeCount++] = loss;
        r.fill(0, loss * D, (loss + 1) * D);
      }
      const rowOffset = i * D;
      const winOffset = win * D;
      const lossOffset = loss * D;
      let z = 0;
      for (let d = 0; d < D; d++) z += (a[winOffset + d]! - a[lossOffset + d]!) * rows[rowOffset + d]!;
      // BCE with logits against 1: softplus(-z); its derivative in z is -sigmoid(-z).
      lossSum += z >= 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
      const g = -(z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z))) / size;
      for (let d = 0; d < D; d++) difference[d] = g * rows[rowOffset + d]!;
      for (let d = 0; d < D; d++) r[winOffset + d]! += difference[d]!;
      for (let d = 0; d < D; d++) r[lossOffset + d]! -= difference[d]!;
    }

    // t_m = W r_m for the active models (W before the update).
    const W = this.#W;
    const t = this.#t;
    for (let k = 0; k < activeCount; k++) {
      const m = active[k]!;
      const rOffset = m * D;
      for (let h = 0; h < H; h++) {
        const wOffset = h * D;
        let sum = 0;
        for (let d = 0; d < D; d++) sum += W[wOffset + d]! * r[rOffset + d]!;
        t[m * H + h] = sum;
      }
    }

    // Gradients of c and P (small), then their Adam updates.
    const { weightDecay, beta1, beta2, epsilon } = this.#hyper;
    const adam = this.#adam;
    adam.step += 1;
    const bias1 = 1 - beta1 ** adam.step;
    const bias2 = 1 - beta2 ** adam.step;
    const stepSize = learningRate / bias1;
    const inverseSqrtBias2 = 1 / Math.sqrt(bias2);
    const c = this.#c;
    const P = this.#P;
    const u = this.#u;
    const gradC = this.#gradC;
    const gradP = this.#gradP;
    gradC.fill(0);
    gradP.fill(0);
    for (let k = 0; k < activeCount; k++) {
      const m = active[k]!;
      let projection = 0;
      for (let h = 0; h < H; h++) {
        const tm = t[m * H + h]!;
        gradC[h]! += u[m * H + h]! * tm;
        projection += u[m * H + h]! * c[h]! * tm;
      }
      const inverseNorm = 1 / this.#norms[m]!;
      for (let h = 0; h < H; h++) {
        const dU = c[h]! * t[m * H + h]!;
        gradP[m * H + h] = this.#norms[m]! > NORMALIZE_EPSILON ? (dU - u[m * H + h]! * projection) * inverseNorm : dU * inverseNorm;
      }
    }
    adamUpdate(c, gradC, adam.mc, adam.vc, 0, c.length, weightDecay, beta1, beta2, epsilon, stepSize, inverseSqrtBias2);
    adamUpdate(P, gradP, adam.mP, adam.vP, 0, P.length, weightDecay, beta1, beta2, epsilon, stepSize, inverseSqrtBias2);
    const b = this.#b;
    const bNext = this.#bNext;
    this.#normalizeInto(bNext);

    // W: dW row h = sum_m b_m[h] r_m, the Adam update, and a_m += bNext_m[h] * W_new[h], row by row.
    const mW = adam.mW;
    const vW = adam.vW;
    const gradRow = this.#gradRow;
    const oneMinusBeta1 = 1 - beta1;
    const oneMinusBeta2 = 1 - beta2;
    a.fill(0);
    for (let h = 0; h < H; h++) {
      gradRow.fill(0);
      for (let k = 0; k < activeCount; k++) {
        const m = active[k]!;
        const bmh = b[m * H + h]!;
        const rOffset = m * D;
        for (let d = 0; d < D; d++) gradRow[d]! += bmh * r[rOffset + d]!;
      }
      const wOffset = h * D;
      for (let d = 0; d < D; d++) {
        const index = wOffset + d;
        const w = W[index]!;
        const grad = gradRow[d]! + weightDecay * w;
        const moment1 = beta1 * mW[index]! + oneMinusBeta1 * grad;
        const moment2 = beta2 * vW[index]! + oneMinusBeta2 * grad * grad;
        mW[index] = moment1;
        vW[index] = moment2;
        W[index] = w - (stepSize * moment1) / (Math.sqrt(moment2) * inverseSqrtBias2 + epsilon);
      }
      for (let m = 0; m < N; m++) {
        const bmh = bNext[m * H + h]!;
        const aOffset = m * D;
        for (let d = 0; d < D; d++) a[aOffset + d]! += bmh * W[wOffset + d]!;
      }
    }
    this.#b = bNext;
    this.#bNext = b;
    for (let k = 0; k < activeCount; k++) isActive[active[k]!] = 0;
    return lossSum / size;
  }

  snapshot(): { parameters: { models: string[]; hidden: number; dimension: number; P: Float32Array; W: Float32Array; c: Float32Array }; adam: AdamState } {
    const adam = this.#adam;
    return {
      parameters: { models: [...this.#models], hidden: this.#H, dimension: this.#D, P: this.#P.slice(), W: this.#W.slice(), c: this.#c.slice() },
      adam: { step: adam.step, mP: adam.mP.slice(), vP: adam.vP.slice(), mW: adam.mW.slice(), vW: adam.vW.slice(), mc: adam.mc.slice(), vc: adam.vc.slice() },
    };
  }

  dispose(): void {}

  /** u_m = P_m / max(|P_m|, eps) and target_m = c * u_m, from the stored float32 P and c. */
  #normalizeInto(target: Float64Array): void {
    const H = this.#H;
    for (let m = 0; m < this.#N; m++) {
      let sum = 0;
      for (let h = 0; h < H; h++) sum += this.#P[m * H + h]! * this.#P[m * H + h]!;
      const norm = Math.max(Math.sqrt(sum), NORMALIZE_EPSILON);
      this.#norms[m] = norm;
      for (let h = 0; h < H; h++) {
        const unit = this.#P[m * H + h]! / norm;
        this.#u[m * H + h] = unit;
        target[m * H + h] = this.#c[h]! * unit;
      }
    }
  }

  /** a_m = W^T b_m, accumulated in the same order as inside `step`, so a resumed run matches bit for bit. */
  #fold(): void {
    const { H, D } = { H: this.#H, D: this.#D };
    this.#a.fill(0);
    for (let h = 0; h < H; h++) {
      const wOffset = h * D;
      for (let m = 0; m < this.#N; m++) {
        const bmh = this.#b[m * H + h]!;
        const aOffset = m * D;
        for (let d = 0; d < D; d++) this.#a[aOffset + d]! += bmh * this.#W[wOffset + d]!;
      }
    }
  }
}

/** PyTorch's Adam (L2 weight decay added to the gradient, not AdamW) on `parameter[from..to)`. */
function adamUpdate(
  parameter: Float32Array,
  gradient: Float64Array,
  moment1: Float32Array,
  moment2: Float32Array,
  from: number,
  to: number,
  weightDecay: number,
  beta1: number,
  beta2: number,
  epsilon: number,
  stepSize: number,
  inverseSqrtBias2: number,
): void {
  for (let index = from; index < to; index++) {
    const value = parameter[index]!;
    const grad = gradient[index]! + weightDecay * value;
    const m = beta1 * moment1[index]! + (1 - beta1) * grad;
    const v = beta2 * moment2[index]! + (1 - beta2) * grad * grad;
    moment1[index] = m;
    moment2[index] = v;
    parameter[index] = value - (stepSize * m) / (Math.sqrt(v) * inverseSqrtBias2 + epsilon);
  }
}
