import { availableParallelism } from "node:os";
import type { MFParameters } from "@muffler/model";
import { createAdamRowKernel, type AdamRowKernel } from "./adam-row.ts";
import { BatchKernel } from "./batch-kernel.ts";
import { decayTerms, type AdamState, type Batch, type EngineHyperparameters, type TrainingEngine } from "./engine.ts";

const NORMALIZE_EPSILON = 1e-12;

/**
 * The fused engine: the MF gate's forward pass and gradients gathered per model instead of per example (see the
 * package README for the derivation). With u_m = normalize(P_m), b_m = c * u_m and a_m = W^T b_m:
 *
 *   z_i = (a_win - a_loss) . q_i                        forward, O(B*D) once a_m is known
 *   g_i = dL/dz_i = -sigmoid(-z_i) / B                  BCE-with-logits against ones, mean
 *   r_m = sum_i g_i (+1 if m won i, -1 if m lost i) q_i  O(B*D)
 *   dW  = sum_m b_m r_m^T                               rank <= N, formed row by row inside the Adam update
 *   t_m = W r_m,  dc = sum_m u_m * t_m,  dU_m = c * t_m,  dP_m = (dU_m - u_m (u_m . dU_m)) / |P_m|,
 *   where u_m . dU_m = a_m . r_m needs no pass over W
 *
 * A step costs O(B*D + (2K + N)*H*D) for K models in the batch. Everything that touches W happens in ONE pass over
 * its rows: t_mh (old row), dW's row, Adam on the row, then c_h and P[:, h] (row-local given t_mh and the
 * projections), then folding the new row into a_m for the next step. W and its moments are streamed once per step.
 * For two-model batches the loops over D run in a WebAssembly SIMD kernel (adam-row-kernel.wat, float32 arithmetic);
 * otherwise in TypeScript with float64 arithmetic.
 * Parameters and Adam moments are stored in float32 (as PyTorch does).
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
  /** u = normalize(P) rows, N x H. */
  readonly #u: Float64Array;
  /** |P_m| clamped at 1e-12. */
  readonly #norms: Float64Array;
  /** b_m = c * u_m, N x H. */
  readonly #b: Float64Array;
  /** a_m = W^T (c * P_m) / |P_m|, N x D. */
  readonly #a: Float64Array;
  /** Scratch, allocated once. */
  readonly #r: Float64Array;
  readonly #gradRow: Float64Array;
  readonly #tRow: Float64Array;
  readonly #projection: Float64Array;
  readonly #gradColumn: Float64Array;
  readonly #bColumn: Float64Array;
  readonly #normSquares: Float64Array;
  readonly #active: Int32Array;
  readonly #isActive: Uint8Array;
  readonly #delta: Float64Array;
  /** The SIMD kernel for two-model batches, with W and its moments in its memory; undefined: plain JS. */
  readonly #kernel: AdamRowKernel | undefined;
  /** The batched SIMD kernel for any other N (W and its moments in its memory); undefined: plain JS. */
  readonly #batched: BatchKernel | undefined;
  /** Batched form: per active model, t_m = W r_m gathered from X (K x H), and each model's slot in the batch. */
  readonly #t: Float64Array;
  readonly #slot: Int32Array;
  readonly #g: Float64Array;

  /**
   * `simd: false` forces the plain JS loops (used by tests to compare both); `batchSize` sizes the SIMD batch buffer;
   * `threads` (1 or 2) runs the batched kernel on one or two threads (same results bit for bit), by default 2 where
   * the machine has two cores and W has at least 32,768 entries (below that a step is too short to share).
   */
  constructor(parameters: MFParameters, adam: AdamState, hyperparameters: EngineHyperparameters, options: { simd?: boolean; batchSize?: number; threads?: number } = {}) {
    this.#models = [...parameters.models];
    this.#N = parameters.models.length;
    this.#H = parameters.hidden;
    this.#D = parameters.dimension;
    this.#P = parameters.P.slice();
    this.#c = parameters.c.slice();
    const simd = options.simd !== false;
    this.#kernel = simd && this.#N === 2 ? createAdamRowKernel(this.#H, this.#D, options.batchSize ?? 64) : undefined;
    const threads = options.threads ?? (availableParallelism() >= 2 && this.#H * this.#D >= 32_768 ? 2 : 1);
    this.#batched = simd && this.#N !== 2 ? BatchKernel.create(this.#H, this.#D, options.batchSize ?? 64, threads) : undefined;
    const home = this.#kernel ?? this.#batched;
    const inKernel = (source: Float32Array, target: Float32Array | undefined) => (target === undefined ? source.slice() : (target.set(source), target));
    this.#W = inKernel(parameters.W, home?.W);
    this.#adam = {
      ...adam,
      mP: adam.mP.slice(),
      vP: adam.vP.slice(),
      mW: inKernel(adam.mW, home?.mW),
      vW: inKernel(adam.vW, home?.vW),
      mc: adam.mc.slice(),
      vc: adam.vc.slice(),
    };
    this.#hyper = hyperparameters;
    const N = this.#N;
    const H = this.#H;
    const D = this.#D;
    this.#u = new Float64Array(N * H);
    this.#norms = new Float64Array(N);
    this.#b = new Float64Array(N * H);
    this.#a = new Float64Array(N * D);
    this.#r = new Float64Array(N * D);
    this.#gradRow = new Float64Array(D);
    this.#tRow = new Float64Array(N);
    this.#projection = new Float64Array(N);
    this.#gradColumn = new Float64Array(N);
    this.#bColumn = new Float64Array(N);
    this.#normSquares = new Float64Array(N);
    this.#active = new Int32Array(N);
    this.#isActive = new Uint8Array(N);
    this.#delta = new Float64Array(D);
    this.#t = new Float64Array(this.#batched === undefined ? 0 : N * H);
    this.#slot = new Int32Array(N);
    this.#g = new Float64Array(this.#batched === undefined ? 0 : (options.batchSize ?? 64));
    if (this.#batched !== undefined) {
      // The batched form needs no folded a_m: only u, b and the norms.
      for (let m = 0; m < N; m++) {
        let sum = 0;
        for (let h = 0; h < H; h++) sum += this.#P[m * H + h]! * this.#P[m * H + h]!;
        this.#normSquares[m] = sum;
      }
      this.#finishFold();
      return;
    }
    // a_m from scratch, with the very operations `step` uses, so that a resumed run continues bit for bit.
    const { a, bColumn, normSquares } = { a: this.#a, bColumn: this.#bColumn, normSquares: this.#normSquares };
    a.fill(0);
    normSquares.fill(0);
    for (let h = 0; h < H; h++) {
      for (let m = 0; m < N; m++) {
        const value = this.#P[m * H + h]!;
        normSquares[m]! += value * value;
        bColumn[m] = this.#c[h]! * value;
      }
      this.#foldRow(h);
    }
    this.#finishFold();
  }

  step(batch: Batch, learningRate: number): number {
    if (this.#batched !== undefined) return this.#stepBatched(this.#batched, batch, learningRate);
    const N = this.#N;
    const H = this.#H;
    const D = this.#D;
    const { size, winners, losers, rows } = batch;
    const a = this.#a;
    const r = this.#r;
    const isActive = this.#isActive;
    const active = this.#active;
    let activeCount = 0;

    // Forward, loss and r_m = sum_i g_i (+-1) q_i, one pass over the batch rows.
    let lossSum = 0;
    let twoModels = N === 2;
    for (let i = 0; i < size && twoModels; i++) twoModels = winners[i] !== losers[i];
    const simdBatch = twoModels && this.#kernel !== undefined && size <= this.#kernel.batchCapacity ? this.#kernel : undefined;
    if (simdBatch !== undefined) {
      // The same as below with the dot products and the accumulation of r_0 in WebAssembly SIMD (float32).
      for (let d = 0; d < D; d++) simdBatch.delta[d] = a[d]! - a[D + d]!;
      simdBatch.rows.set(rows.subarray(0, size * D));
      simdBatch.dot(size);
      for (let i = 0; i < size; i++) {
        const sign = winners[i] === 0 ? 1 : -1;
        const z = sign * simdBatch.dots[i]!;
        lossSum += z >= 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
        simdBatch.coefficients[i] = (sign * -(z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z)))) / size;
      }
      simdBatch.r0.fill(0);
      simdBatch.accumulate(size);
      for (let d = 0; d < D; d++) {
        r[d] = simdBatch.r0[d]!;
        r[D + d] = -r[d]!;
      }
      active[0] = winners[0]!;
      active[1] = losers[0]!;
      isActive[0] = 1;
      isActive[1] = 1;
      activeCount = size > 0 ? 2 : 0;
    } else if (twoModels) {
      // Every battle is model 0 against model 1: z_i = +-(a_0 - a_1) . q_i, and r_1 = -r_0.
      const delta = this.#delta;
      for (let d = 0; d < D; d++) delta[d] = a[d]! - a[D + d]!;
      r.fill(0, 0, D);
      for (let i = 0; i < size; i++) {
        const sign = winners[i] === 0 ? 1 : -1;
        const rowOffset = i * D;
        let dot = 0;
        for (let d = 0; d < D; d++) dot += delta[d]! * rows[rowOffset + d]!;
        const z = sign * dot;
        lossSum += z >= 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
        const coefficient = (sign * -(z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z)))) / size;
        for (let d = 0; d < D; d++) r[d]! += coefficient * rows[rowOffset + d]!;
      }
      for (let d = 0; d < D; d++) r[D + d] = -r[d]!;
      active[0] = winners[0]!;
      active[1] = losers[0]!;
      isActive[0] = 1;
      isActive[1] = 1;
      activeCount = size > 0 ? 2 : 0;
    } else {
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
        for (let d = 0; d < D; d++) {
          const x = g * rows[rowOffset + d]!;
          r[winOffset + d]! += x;
          r[lossOffset + d]! -= x;
        }
      }
    }
    // u_m . dU_m = (c * u_m) . (W r_m) = a_m . r_m: the normalization's projection term, without touching W.
    const projection = this.#projection;
    for (let k = 0; k < activeCount; k++) {
      const m = active[k]!;
      let sum = 0;
      for (let d = 0; d < D; d++) sum += a[m * D + d]! * r[m * D + d]!;
      projection[k] = sum;
    }

    const { beta1, beta2, epsilon } = this.#hyper;
    const decay = decayTerms(this.#hyper, learningRate);
    const decayP = decayTerms(this.#hyper, learningRate, this.#hyper.weightDecayOnModels);
    const adam = this.#adam;
    adam.step += 1;
    const stepSize = learningRate / (1 - beta1 ** adam.step);
    const inverseSqrtBias2 = 1 / Math.sqrt(1 - beta2 ** adam.step);
    const oneMinusBeta1 = 1 - beta1;
    const oneMinusBeta2 = 1 - beta2;
    const { mW, vW, mP, vP, mc, vc } = adam;
    const W = this.#W;
    const P = this.#P;
    const c = this.#c;
    const u = this.#u;
    const b = this.#b;
    const norms = this.#norms;
    const gradRow = this.#gradRow;
    const tRow = this.#tRow;
    const gradColumn = this.#gradColumn;
    const bColumn = this.#bColumn;
    const normSquares = this.#normSquares;
    a.fill(0);
    normSquares.fill(0);

    // One pass over the rows h of W: t_mh = W[h] . r_m (old W), dW[h] = sum_m b_mh r_m, Adam on W[h];
    // then c_h and P[:, h] (their gradients need only t_mh and the projections); then fold W_new[h] into a.
    const kernel = activeCount === 2 ? this.#kernel : undefined;
    if (kernel !== undefined) {
      const r0 = active[0]! * D;
      const r1 = active[1]! * D;
      for (let d = 0; d < D; d++) {
        kernel.r0[d] = r[r0 + d]!;
        kernel.r1[d] = r[r1 + d]!;
      }
    }
    for (let h = 0; h < H; h++) {
      const wOffset = h * D;
      if (kernel !== undefined) {
        // The same row update in WebAssembly SIMD (float32 arithmetic, as PyTorch's).
        kernel.row(h, b[active[0]! * H + h]!, b[active[1]! * H + h]!, decay.l2, decay.keep, beta1, beta2, stepSize, inverseSqrtBias2, epsilon);
        tRow[0] = kernel.result[0]!;
        tRow[1] = kernel.result[1]!;
      } else if (activeCount === 2) {
        const r0 = active[0]! * D;
        const r1 = active[1]! * D;
        const b0 = b[active[0]! * H + h]!;
        const b1 = b[active[1]! * H + h]!;
        let t0 = 0;
        let t1 = 0;
        for (let d = 0; d < D; d++) {
          const index = wOffset + d;
          const w = W[index]!;
          const x0 = r[r0 + d]!;
          const x1 = r[r1 + d]!;
          t0 += w * x0;
          t1 += w * x1;
          const grad = b0 * x0 + b1 * x1 + decay.l2 * w;
          const moment1 = beta1 * mW[index]! + oneMinusBeta1 * grad;
          const moment2 = beta2 * vW[index]! + oneMinusBeta2 * grad * grad;
          mW[index] = moment1;
          vW[index] = moment2;
          W[index] = w * decay.keep - (stepSize * moment1) / (Math.sqrt(moment2) * inverseSqrtBias2 + epsilon);
        }
        tRow[0] = t0;
        tRow[1] = t1;
      } else {
        gradRow.fill(0);
        for (let k = 0; k < activeCount; k++) {
          const rOffset = active[k]! * D;
          const bmh = b[active[k]! * H + h]!;
          let sum = 0;
          for (let d = 0; d < D; d++) {
            const x = r[rOffset + d]!;
            sum += W[wOffset + d]! * x;
            gradRow[d]! += bmh * x;
          }
          tRow[k] = sum;
        }
        for (let d = 0; d < D; d++) {
          const index = wOffset + d;
          const w = W[index]!;
          const grad = gradRow[d]! + decay.l2 * w;
          const moment1 = beta1 * mW[index]! + oneMinusBeta1 * grad;
          const moment2 = beta2 * vW[index]! + oneMinusBeta2 * grad * grad;
          mW[index] = moment1;
          vW[index] = moment2;
          W[index] = w * decay.keep - (stepSize * moment1) / (Math.sqrt(moment2) * inverseSqrtBias2 + epsilon);
        }
      }

      // dc_h = sum_m u_mh t_mh; dP_mh = (c_h t_mh - u_mh (u_m . dU_m)) / |P_m| (zero for models not in the batch).
      const ch = c[h]!;
      let gradC = decay.l2 * ch;
      gradColumn.fill(0);
      for (let k = 0; k < activeCount; k++) {
        const m = active[k]!;
        const tmh = tRow[k]!;
        gradC += u[m * H + h]! * tmh;
        const dU = ch * tmh;
        gradColumn[m] = norms[m]! > NORMALIZE_EPSILON ? (dU - u[m * H + h]! * projection[k]!) / norms[m]! : dU / norms[m]!;
      }
      const cMoment1 = beta1 * mc[h]! + oneMinusBeta1 * gradC;
      const cMoment2 = beta2 * vc[h]! + oneMinusBeta2 * gradC * gradC;
      mc[h] = cMoment1;
      vc[h] = cMoment2;
      c[h] = ch * decay.keep - (stepSize * cMoment1) / (Math.sqrt(cMoment2) * inverseSqrtBias2 + epsilon);
      const cNew = c[h]!;
      for (let m = 0; m < N; m++) {
        const index = m * H + h;
        const value = P[index]!;
        const grad = gradColumn[m]! + decayP.l2 * value;
        const moment1 = beta1 * mP[index]! + oneMinusBeta1 * grad;
        const moment2 = beta2 * vP[index]! + oneMinusBeta2 * grad * grad;
        mP[index] = moment1;
        vP[index] = moment2;
        P[index] = value * decayP.keep - (stepSize * moment1) / (Math.sqrt(moment2) * inverseSqrtBias2 + epsilon);
        const stored = P[index]!;
        normSquares[m]! += stored * stored;
        bColumn[m] = cNew * stored;
      }
      this.#foldRow(h);
    }
    this.#finishFold();
    for (let k = 0; k < activeCount; k++) isActive[active[k]!] = 0;
    return lossSum / size;
  }

  /**
   * The batched form, for any N (WebAssembly SIMD): X = Q W^T (B x H), z_i = (b_w - b_l) . X_i, t_m = sum_i g_i s_im X_i
   * (= W r_m), and dW as one batched outer product: sum_i q_i (g_i (b_w - b_l))^T over the B prompts, or
   * sum_m r_m b_m^T over the K models in the batch when K < B (r_m gathered by `scatter`). A step costs
   * (B + min(B, K)) H D multiply-adds in float32 SIMD, against (2K + N) H D in float64 for the gathered form.
   */
  #stepBatched(kernel: BatchKernel, batch: Batch, learningRate: number): number {
    const N = this.#N;
    const H = this.#H;
    const D = this.#D;
    const Hp = kernel.hiddenPadded;
    const { size, winners, losers, rows } = batch;
    if (size > kernel.capacity) kernel.ensureCapacity(size);
    const rowsPadded = Math.ceil(size / 4) * 4;
    const q = kernel.q;
    q.set(rows.subarray(0, size * D));
    if (rowsPadded > size) q.fill(0, size * D, rowsPadded * D);
    kernel.project(rowsPadded);
    const x = kernel.x;
    const b = this.#b;
    const t = this.#t;
    const slot = this.#slot;
    const active = this.#active;
    const isActive = this.#isActive;
    const g = this.#g.length >= size ? this.#g : new Float64Array(size);
    let activeCount = 0;
    let lossSum = 0;
    for (let i = 0; i < size; i++) {
      const win = winners[i]!;
      const loss = losers[i]!;
      if (isActive[win] === 0) {
        isActive[win] = 1;
        slot[win] = activeCount;
        t.fill(0, activeCount * H, (activeCount + 1) * H);
        active[activeCount++] = win;
      }
      if (isActive[loss] === 0) {
        isActive[loss] = 1;
        slot[loss] = activeCount;
        t.fill(0, activeCount * H, (activeCount + 1) * H);
        active[activeCount++] = loss;
      }
      const winOffset = win * H;
      const lossOffset = loss * H;
      const xOffset = i * Hp;
      let z = 0;
      for (let h = 0; h < H; h++) z += (b[winOffset + h]! - b[lossOffset + h]!) * x[xOffset + h]!;
      lossSum += z >= 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
      const gi = -(z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z))) / size;
      g[i] = gi;
      const tWin = slot[win]! * H;
      const tLoss = slot[loss]! * H;
      for (let h = 0; h < H; h++) {
        const value = gi * x[xOffset + h]!;
        t[tWin + h]! += value;
        t[tLoss + h]! -= value;
      }
    }

    const { beta1, beta2, epsilon } = this.#hyper;
    const decay = decayTerms(this.#hyper, learningRate);
    const decayP = decayTerms(this.#hyper, learningRate, this.#hyper.weightDecayOnModels);
    const adam = this.#adam;
    adam.step += 1;
    const stepSize = learningRate / (1 - beta1 ** adam.step);
    const inverseSqrtBias2 = 1 / Math.sqrt(1 - beta2 ** adam.step);
    const scalars = { l2: decay.l2, keep: decay.keep, beta1, beta2, stepSize, inverseSqrtBias2, epsilon };
    const coefficientsOfW = kernel.a;
    if (activeCount < size) {
      // dW = sum_m b_m r_m^T over the K models in the batch.
      const coefficients = kernel.coefficients;
      const slots = kernel.slots;
      for (let i = 0; i < size; i++) {
        coefficients[i] = g[i]!;
        slots[2 * i] = slot[winners[i]!]! * D * 4;
        slots[2 * i + 1] = slot[losers[i]!]! * D * 4;
      }
      kernel.r.fill(0, 0, activeCount * D);
      kernel.scatter(size);
      for (let k = 0; k < activeCount; k++) {
        const bOffset = active[k]! * H;
        for (let h = 0; h < H; h++) coefficientsOfW[k * Hp + h] = b[bOffset + h]!;
      }
      kernel.adamOuter("models", activeCount, scalars);
    } else {
      // dW = sum_i (g_i (b_w - b_l)) q_i^T over the B prompts.
      for (let i = 0; i < size; i++) {
        const winOffset = winners[i]! * H;
        const lossOffset = losers[i]! * H;
        const gi = g[i]!;
        for (let h = 0; h < H; h++) coefficientsOfW[i * Hp + h] = gi * (b[winOffset + h]! - b[lossOffset + h]!);
      }
      kernel.adamOuter("prompts", size, scalars);
    }

    // c and P: dc_h = sum_m u_mh t_mh; dU_m = c * t_m; dP_m = (dU_m - u_m (u_m . dU_m)) / |P_m| for the models in the
    // batch (0 for the others, whose rows still take the decay and their moments' step, as nn.Embedding's dense gradient).
    const u = this.#u;
    const norms = this.#norms;
    const projection = this.#projection;
    const c = this.#c;
    const P = this.#P;
    const { mP, vP, mc, vc } = adam;
    const oneMinusBeta1 = 1 - beta1;
    const oneMinusBeta2 = 1 - beta2;
    for (let k = 0; k < activeCount; k++) {
      const uOffset = active[k]! * H;
      let sum = 0;
      for (let h = 0; h < H; h++) sum += u[uOffset + h]! * c[h]! * t[k * H + h]!;
      projection[k] = sum;
    }
    const gradColumn = this.#gradColumn;
    const normSquares = this.#normSquares;
    normSquares.fill(0);
    for (let h = 0; h < H; h++) {
      const ch = c[h]!;
      let gradC = decay.l2 * ch;
      gradColumn.fill(0);
      for (let k = 0; k < activeCount; k++) {
        const m = active[k]!;
        const tmh = t[k * H + h]!;
        gradC += u[m * H + h]! * tmh;
        const dU = ch * tmh;
        gradColumn[m] = norms[m]! > NORMALIZE_EPSILON ? (dU - u[m * H + h]! * projection[k]!) / norms[m]! : dU / norms[m]!;
      }
      const cMoment1 = beta1 * mc[h]! + oneMinusBeta1 * gradC;
      const cMoment2 = beta2 * vc[h]! + oneMinusBeta2 * gradC * gradC;
      mc[h] = cMoment1;
      vc[h] = cMoment2;
      c[h] = ch * decay.keep - (stepSize * cMoment1) / (Math.sqrt(cMoment2) * inverseSqrtBias2 + epsilon);
      for (let m = 0; m < N; m++) {
        const index = m * H + h;
        const value = P[index]!;
        const grad = gradColumn[m]! + decayP.l2 * value;
        const moment1 = beta1 * mP[index]! + oneMinusBeta1 * grad;
        const moment2 = beta2 * vP[index]! + oneMinusBeta2 * grad * grad;
        mP[index] = moment1;
        vP[index] = moment2;
        P[index] = value * decayP.keep - (stepSize * moment1) / (Math.sqrt(moment2) * inverseSqrtBias2 + epsilon);
        const stored = P[index]!;
        normSquares[m]! += stored * stored;
      }
    }
    this.#finishFold();
    for (let k = 0; k < activeCount; k++) isActive[active[k]!] = 0;
    return lossSum / size;
  }

  snapshot(): { parameters: MFParameters; adam: AdamState } {
    const adam = this.#adam;
    return {
      parameters: { models: [...this.#models], hidden: this.#H, dimension: this.#D, P: this.#P.slice(), W: this.#W.slice(), c: this.#c.slice() },
      adam: { step: adam.step, mP: adam.mP.slice(), vP: adam.vP.slice(), mW: adam.mW.slice(), vW: adam.vW.slice(), mc: adam.mc.slice(), vc: adam.vc.slice() },
    };
  }

  /** The threads the kernel runs on. */
  get threads(): number {
    return this.#batched?.threads ?? 1;
  }

  dispose(): void {
    this.#batched?.dispose();
  }

  /** a_m += (c_h P_mh) W[h] for every model (bColumn holds c_h P_mh). */
  #foldRow(h: number): void {
    const D = this.#D;
    const a = this.#a;
    const W = this.#W;
    const bColumn = this.#bColumn;
    const wOffset = h * D;
    if (this.#N === 2 && this.#kernel !== undefined) {
      this.#kernel.fold2(h, bColumn[0]!, bColumn[1]!);
      return;
    }
    if (this.#N === 2) {
      const b0 = bColumn[0]!;
      const b1 = bColumn[1]!;
      for (let d = 0; d < D; d++) {
        const w = W[wOffset + d]!;
        a[d]! += b0 * w;
        a[D + d]! += b1 * w;
      }
      return;
    }
    for (let m = 0; m < this.#N; m++) {
      const bmh = bColumn[m]!;
      const aOffset = m * D;
      for (let d = 0; d < D; d++) a[aOffset + d]! += bmh * W[wOffset + d]!;
    }
  }

  /** Divides a_m by |P_m| and refreshes u, b and the norms from the stored P and c. */
  #finishFold(): void {
    const { N, H, D } = { N: this.#N, H: this.#H, D: this.#D };
    if (N === 2 && this.#kernel !== undefined) {
      this.#a.set(this.#kernel.a0, 0);
      this.#a.set(this.#kernel.a1, D);
      this.#kernel.a0.fill(0);
      this.#kernel.a1.fill(0);
    }
    const { a, u, b, P, c, norms, normSquares } = { a: this.#a, u: this.#u, b: this.#b, P: this.#P, c: this.#c, norms: this.#norms, normSquares: this.#normSquares };
    const folded = this.#batched === undefined;
    for (let m = 0; m < N; m++) {
      const norm = Math.max(Math.sqrt(normSquares[m]!), NORMALIZE_EPSILON);
      norms[m] = norm;
      if (folded) for (let d = 0; d < D; d++) a[m * D + d]! /= norm;
      const offset = m * H;
      for (let h = 0; h < H; h++) {
        const unit = P[offset + h]! / norm;
        u[offset + h] = unit;
        b[offset + h] = c[h]! * unit;
      }
    }
  }
}
