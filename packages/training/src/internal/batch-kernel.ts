import { compiledKernel, type WasmMemory } from "./adam-row.ts";

type Project = (q: number, w: number, x: number, rows: number, hidden: number, bytes: number) => void;
type Scatter = (q: number, coefficients: number, slots: number, count: number, bytes: number, r: number) => void;
type AdamOuter = (
  a: number,
  m: number,
  count: number,
  hidden: number,
  bytes: number,
  w: number,
  mw: number,
  vw: number,
  scratch: number,
  l2: number,
  keep: number,
  beta1: number,
  beta2: number,
  stepSize: number,
  inverseSqrtBias2: number,
  epsilon: number,
) => void;

/** Adam's per-step scalars for W. */
export interface AdamStepScalars {
  l2: number;
  keep: number;
  beta1: number;
  beta2: number;
  stepSize: number;
  inverseSqrtBias2: number;
  epsilon: number;
}

/**
 * The batched form of the fused engine's step, for any number of models, in WebAssembly SIMD (adam-row-kernel.wat):
 * W, its Adam moments, the batch's prompt rows and the scratch matrices in one WebAssembly memory.
 *
 *   project(rows):          X = Q W^T                          (rows x hiddenPadded; rows a multiple of 4)
 *   scatter(count):         r[slot(win_i)] += g_i q_i, r[slot(loss_i)] -= g_i q_i
 *   adamOuter(source, J):   dW = A^T M (A: J x hiddenPadded, M: the prompt rows Q or the per-model rows R), fused
 *                           with Adam on W, mW, vW
 *
 * H is padded to a multiple of 4 with zero rows of W (their gradient, moments and weights stay exactly 0) and the
 * batch to a multiple of 4 prompt rows; D must be a multiple of 8. The views are rebuilt when a larger batch grows
 * the memory, so read them from the kernel after `ensureCapacity`.
 */
export class BatchKernel {
  readonly hidden: number;
  readonly hiddenPadded: number;
  readonly dimension: number;
  #capacity = 0;
  readonly #memory: WasmMemory;
  readonly #project: Project;
  readonly #scatter: Scatter;
  readonly #adamOuter: AdamOuter;
  #layout = { W: 0, mW: 0, vW: 0, scratch: 0, coefficients: 0, slots: 0, q: 0, x: 0, a: 0, r: 0, end: 0 };
  W!: Float32Array;
  mW!: Float32Array;
  vW!: Float32Array;
  /** Prompt rows, capacity x D (pad rows must be zero for `project`). */
  q!: Float32Array;
  /** X = Q W^T, capacity x hiddenPadded. */
  x!: Float32Array;
  /** The coefficients of the outer product, capacity x hiddenPadded (pad columns must be zero). */
  a!: Float32Array;
  /** Per-model gathered rows r_m, capacity x D. */
  r!: Float32Array;
  /** g_i for `scatter`. */
  coefficients!: Float32Array;
  /** Byte offsets into r of each battle's winner and loser rows, for `scatter`. */
  slots!: Int32Array;

  private constructor(hidden: number, dimension: number, memory: WasmMemory, exports: Record<string, unknown>) {
    this.hidden = hidden;
    this.hiddenPadded = Math.ceil(hidden / 4) * 4;
    this.dimension = dimension;
    this.#memory = memory;
    this.#project = exports.project as Project;
    this.#scatter = exports.scatter as Scatter;
    this.#adamOuter = exports.adamOuter as AdamOuter;
  }

  /** Undefined where D is not a multiple of 8 or WebAssembly SIMD is unavailable. */
  static create(hidden: number, dimension: number, batchCapacity: number): BatchKernel | undefined {
    if (dimension % 8 !== 0) return undefined;
    const compiled = compiledKernel();
    if (compiled === null) return undefined;
    const instance = new compiled.api.Instance(compiled.module, {});
    const kernel = new BatchKernel(hidden, dimension, instance.exports.memory as WasmMemory, instance.exports);
    kernel.ensureCapacity(batchCapacity);
    return kernel;
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Room for `rows` prompt rows (a multiple of 4 is reserved); W and its moments keep their values. */
  ensureCapacity(rows: number): void {
    const capacity = Math.ceil(Math.max(rows, 4) / 4) * 4;
    if (capacity <= this.#capacity) return;
    const matrix = this.hiddenPadded * this.dimension * 4;
    const align = (bytes: number) => Math.ceil(bytes / 16) * 16;
    const W = 0;
    const mW = matrix;
    const vW = 2 * matrix;
    const scratch = 3 * matrix;
    const coefficients = scratch + 128;
    const slots = coefficients + align(capacity * 4);
    const q = slots + align(capacity * 8);
    const x = q + capacity * this.dimension * 4;
    const a = x + capacity * this.hiddenPadded * 4;
    const r = a + capacity * this.hiddenPadded * 4;
    const end = r + capacity * this.dimension * 4;
    const pages = Math.ceil(end / 65536) - this.#memory.buffer.byteLength / 65536;
    if (pages > 0) this.#memory.grow(pages);
    this.#layout = { W, mW, vW, scratch, coefficients, slots, q, x, a, r, end };
    this.#capacity = capacity;
    const buffer = this.#memory.buffer;
    const size = this.hidden * this.dimension;
    this.W = new Float32Array(buffer, W, size);
    this.mW = new Float32Array(buffer, mW, size);
    this.vW = new Float32Array(buffer, vW, size);
    this.coefficients = new Float32Array(buffer, coefficients, capacity);
    this.slots = new Int32Array(buffer, slots, capacity * 2);
    this.q = new Float32Array(buffer, q, capacity * this.dimension);
    this.x = new Float32Array(buffer, x, capacity * this.hiddenPadded);
    this.a = new Float32Array(buffer, a, capacity * this.hiddenPadded);
    this.r = new Float32Array(buffer, r, capacity * this.dimension);
    this.q.fill(0);
    this.a.fill(0);
  }

  /** x = q W^T for the first `rows` prompt rows (a multiple of 4, at most the capacity). */
  project(rows: number): void {
    const layout = this.#layout;
    this.#project(layout.q, layout.W, layout.x, rows, this.hiddenPadded, this.dimension * 4);
  }

  /** r_m gathered from the first `count` prompt rows with `coefficients` and `slots`. */
  scatter(count: number): void {
    const layout = this.#layout;
    this.#scatter(layout.q, layout.coefficients, layout.slots, count, this.dimension * 4, layout.r);
  }

  /** dW = A^T M over the first `count` rows of `a` and of M (`"prompts"`: q; `"models"`: r), then Adam on W. */
  adamOuter(source: "prompts" | "models", count: number, scalars: AdamStepScalars): void {
    const layout = this.#layout;
    const { l2, keep, beta1, beta2, stepSize, inverseSqrtBias2, epsilon } = scalars;
    const m = source === "prompts" ? layout.q : layout.r;
    this.#adamOuter(layout.a, m, count, this.hiddenPadded, this.dimension * 4, layout.W, layout.mW, layout.vW, layout.scratch, l2, keep, beta1, beta2, stepSize, inverseSqrtBias2, epsilon);
  }
}
