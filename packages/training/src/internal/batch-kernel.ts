import { Worker } from "node:worker_threads";
import { compiledKernel, createKernelMemory, type WasmMemory } from "./adam-row.ts";

type Project = (q: number, w: number, x: number, rows: number, hidden: number, xStride: number, bytes: number) => void;
type Scatter = (q: number, coefficients: number, slots: number, count: number, bytes: number, r: number) => void;
type AdamOuter = (
  a: number,
  m: number,
  count: number,
  hidden: number,
  aRowStride: number,
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

/**
 * The helper thread: runs `project` or `adamOuter` on its share of the rows of W (the upper rows) in the same shared
 * memory, when the main thread bumps the sequence number in `control`, and reports the number back when done.
 * control (Int32, Float32 views of one SharedArrayBuffer): [0] sequence, [1] task (1 project, 2 adamOuter, 0 stop),
 * [2..11] i32 arguments, [12..18] f32 arguments, [20] the sequence done, [21] 1 when the thread failed.
 */
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { module, memory, control } = workerData;
const ints = new Int32Array(control);
const floats = new Float32Array(control);
try {
  const { project, adamOuter } = new WebAssembly.Instance(module, { env: { memory } }).exports;
  let seen = 0;
  for (;;) {
    Atomics.wait(ints, 0, seen);
    seen = Atomics.load(ints, 0);
    const task = ints[1];
    if (task === 0) break;
    if (task === 1) project(ints[2], ints[3], ints[4], ints[5], ints[6], ints[7], ints[8]);
    else adamOuter(ints[2], ints[3], ints[4], ints[5], ints[6], ints[7], ints[8], ints[9], ints[10], ints[11],
      floats[12], floats[13], floats[14], floats[15], floats[16], floats[17], floats[18]);
    Atomics.store(ints, 20, seen);
    Atomics.notify(ints, 20);
  }
} catch {
  Atomics.store(ints, 21, 1);
  Atomics.notify(ints, 20);
}
`;

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
 *
 * With `threads: 2`, a worker thread takes the upper rows of W in `project` and `adamOuter` (the main thread the
 * lower ones) on the same shared memory: each row is computed by the same code in the same order, so the results are
 * bit for bit those of one thread.
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
  /** The helper thread, its control block and the first row it owns (hiddenPadded: no helper). */
  #worker: Worker | undefined;
  #control: Int32Array | undefined;
  #controlFloats: Float32Array | undefined;
  #sequence = 0;
  #split: number;
  #lastTask: [number, number[], number[]] = [0, [], []];
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
    this.#split = this.hiddenPadded;
  }

  /** Undefined where D is not a multiple of 8 or WebAssembly SIMD is unavailable. `threads`: 1 or 2. */
  static create(hidden: number, dimension: number, batchCapacity: number, threads = 1): BatchKernel | undefined {
    if (dimension % 8 !== 0) return undefined;
    const compiled = compiledKernel();
    if (compiled === null) return undefined;
    const memory = createKernelMemory(compiled.api);
    const instance = new compiled.api.Instance(compiled.module, { env: { memory } });
    const kernel = new BatchKernel(hidden, dimension, memory, instance.exports);
    kernel.ensureCapacity(batchCapacity);
    const split = Math.round(kernel.hiddenPadded / 8) * 4;
    if (threads > 1 && split > 0 && split < kernel.hiddenPadded) {
      const control = new SharedArrayBuffer(128);
      kernel.#control = new Int32Array(control);
      kernel.#controlFloats = new Float32Array(control);
      kernel.#worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { module: compiled.module, memory, control } });
      kernel.#worker.unref();
      kernel.#split = split;
    }
    return kernel;
  }

  /** The number of threads running the kernels (1 or 2). */
  get threads(): number {
    return this.#worker === undefined ? 1 : 2;
  }

  /** Stops the helper thread. */
  dispose(): void {
    if (this.#worker === undefined) return;
    this.#run(0, [], []);
    void this.#worker.terminate();
    this.#worker = undefined;
    this.#split = this.hiddenPadded;
  }

  /** Hands a task to the helper thread (returns at once). */
  #run(task: number, ints: number[], floats: number[]): void {
    const control = this.#control!;
    this.#lastTask = [task, ints, floats];
    control[1] = task;
    ints.forEach((value, index) => (control[2 + index] = value));
    floats.forEach((value, index) => (this.#controlFloats![12 + index] = value));
    this.#sequence += 1;
    Atomics.store(control, 0, this.#sequence);
    Atomics.notify(control, 0);
  }

  /** Waits until the helper thread finished the last task. */
  #join(): void {
    const control = this.#control!;
    for (let spin = 0; spin < 2000; spin++) if (Atomics.load(control, 20) === this.#sequence) return;
    for (;;) {
      const done = Atomics.load(control, 20);
      if (done === this.#sequence) return;
      if (Atomics.load(control, 21) === 1) {
        // The helper thread could not run (it reported an exception): do its share here and go on with one thread.
        const [task, ints, floats] = this.#lastTask;
        if (task === 1) this.#project(...(ints as Parameters<Project>));
        else this.#adamOuter(...([...ints, ...floats] as Parameters<AdamOuter>));
        void this.#worker?.terminate();
        this.#worker = undefined;
        this.#split = this.hiddenPadded;
        return;
      }
      Atomics.wait(control, 20, done, 50);
    }
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
    const coefficients = scratch + 256;
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
    const bytes = this.dimension * 4;
    const split = this.#split;
    const Hp = this.hiddenPadded;
    if (split < Hp) this.#run(1, [layout.q, layout.W + split * bytes, layout.x + split * 4, rows, Hp - split, Hp, bytes], []);
    this.#project(layout.q, layout.W, layout.x, rows, split, Hp, bytes);
    if (split < Hp) this.#join();
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
    const bytes = this.dimension * 4;
    const split = this.#split;
    const Hp = this.hiddenPadded;
    const floats = [l2, keep, beta1, beta2, stepSize, inverseSqrtBias2, epsilon];
    if (split < Hp) {
      const offset = split * bytes;
      this.#run(2, [layout.a + split * 4, m, count, Hp - split, Hp, bytes, layout.W + offset, layout.mW + offset, layout.vW + offset, layout.scratch + 128], floats);
    }
    this.#adamOuter(layout.a, m, count, split, Hp, bytes, layout.W, layout.mW, layout.vW, layout.scratch, l2, keep, beta1, beta2, stepSize, inverseSqrtBias2, epsilon);
    if (split < Hp) this.#join();
  }
}
