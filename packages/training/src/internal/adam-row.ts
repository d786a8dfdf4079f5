import { ADAM_ROW_KERNEL_BASE64 } from "./adam-row-kernel.ts";

/** The SIMD kernel's export (see adam-row-kernel.wat). */
type AdamRow = (
  w: number,
  m: number,
  v: number,
  r0: number,
  r1: number,
  bytes: number,
  out: number,
  b0: number,
  b1: number,
  weightDecay: number,
  keep: number,
  beta1: number,
  beta2: number,
  stepSize: number,
  inverseSqrtBias2: number,
  epsilon: number,
) => void;

/** The few WebAssembly names used here (the ES2023 lib this repository compiles against has no WebAssembly types). */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

type Fold2 = (w: number, a0: number, a1: number, bytes: number, b0: number, b1: number) => void;
type Dots = (rows: number, count: number, bytes: number, delta: number, out: number) => void;
type Accumulate = (rows: number, count: number, bytes: number, coefficients: number, r: number) => void;

let compiled: object | undefined | null;

/** The kernel's memory: shared (a SharedArrayBuffer), so that a worker thread can run the batched kernel on it. */
export function createKernelMemory(api: WasmApi): WasmMemory {
  return new api.Memory({ initial: 1, maximum: 65536, shared: true });
}

/** The compiled kernel module (shared by the two-model and the batched kernels); null where WebAssembly SIMD is missing. */
export function compiledKernel(): { module: object; api: WasmApi } | null {
  if (wasm === undefined) return null;
  if (compiled === undefined) {
    try {
      compiled = new wasm.Module(Buffer.from(ADAM_ROW_KERNEL_BASE64, "base64"));
    } catch {
      compiled = null;
    }
  }
  return compiled === null ? null : { module: compiled, api: wasm };
}

/**
 * W, its Adam moments and the two gathered gradient rows in one WebAssembly memory, with the SIMD row kernel over
 * them. Undefined when D is not a multiple of 4 or WebAssembly SIMD is unavailable (the engine then runs in JS).
 */
export interface AdamRowKernel {
  W: Float32Array;
  mW: Float32Array;
  vW: Float32Array;
  r0: Float32Array;
  r1: Float32Array;
  /** The unnormalized folded vectors of models 0 and 1 (two-model runs). */
  a0: Float32Array;
  a1: Float32Array;
  /** a0 += b0 W[h], a1 += b1 W[h]. */
  fold2(h: number, b0: number, b1: number): void;
  /** Room for `batchCapacity` prompt rows, their dots and their coefficients. */
  batchCapacity: number;
  rows: Float32Array;
  delta: Float32Array;
  dots: Float32Array;
  coefficients: Float32Array;
  /** dots[i] = delta . rows[i] for i < count. */
  dot(count: number): void;
  /** r0 += sum_i coefficients[i] rows[i] for i < count. */
  accumulate(count: number): void;
  /** Runs the kernel on row h (L2 term `weightDecay`, decoupled factor `keep`); returns t0 and t1 in `result`. */
  row(h: number, b0: number, b1: number, weightDecay: number, keep: number, beta1: number, beta2: number, stepSize: number, inverseSqrtBias2: number, epsilon: number): void;
  result: Float32Array;
}

export function createAdamRowKernel(hidden: number, dimension: number, batchCapacity = 64): AdamRowKernel | undefined {
  if (dimension % 4 !== 0) return undefined;
  const kernel = compiledKernel();
  if (kernel === null) return undefined;
  const memory = createKernelMemory(kernel.api);
  const instance = new kernel.api.Instance(kernel.module, { env: { memory } });
  const adamRow = instance.exports.adamRow as AdamRow;
  const fold2 = instance.exports.fold2 as Fold2;
  const dots = instance.exports.dots as Dots;
  const accumulate = instance.exports.accumulate as Accumulate;
  const matrixBytes = hidden * dimension * 4;
  const rowBytes = dimension * 4;
  const layout = { W: 0, mW: matrixBytes, vW: 2 * matrixBytes, r0: 3 * matrixBytes, r1: 3 * matrixBytes + rowBytes, a0: 3 * matrixBytes + 2 * rowBytes, a1: 3 * matrixBytes + 3 * rowBytes, delta: 3 * matrixBytes + 4 * rowBytes, out: 3 * matrixBytes + 5 * rowBytes };
  const dotsOffset = layout.out + 16;
  const coefficientsOffset = dotsOffset + 16 * Math.ceil((batchCapacity * 4) / 16);
  const rowsOffset = coefficientsOffset + 16 * Math.ceil((batchCapacity * 4) / 16);
  const total = rowsOffset + batchCapacity * rowBytes;
  const pages = Math.ceil(total / 65536) - memory.buffer.byteLength / 65536;
  if (pages > 0) memory.grow(pages);
  const buffer = memory.buffer;
  return {
    W: new Float32Array(buffer, layout.W, hidden * dimension),
    mW: new Float32Array(buffer, layout.mW, hidden * dimension),
    vW: new Float32Array(buffer, layout.vW, hidden * dimension),
    r0: new Float32Array(buffer, layout.r0, dimension),
    r1: new Float32Array(buffer, layout.r1, dimension),
    batchCapacity,
    rows: new Float32Array(buffer, rowsOffset, batchCapacity * dimension),
    delta: new Float32Array(buffer, layout.delta, dimension),
    dots: new Float32Array(buffer, dotsOffset, batchCapacity),
    coefficients: new Float32Array(buffer, coefficientsOffset, batchCapacity),
    dot(count) {
      dots(rowsOffset, count, rowBytes, layout.delta, dotsOffset);
    },
    accumulate(count) {
      accumulate(rowsOffset, count, rowBytes, coefficientsOffset, layout.r0);
    },
    a0: new Float32Array(buffer, layout.a0, dimension),
    a1: new Float32Array(buffer, layout.a1, dimension),
    result: new Float32Array(buffer, layout.out, 2),
    fold2(h, b0, b1) {
      fold2(layout.W + h * rowBytes, layout.a0, layout.a1, rowBytes, b0, b1);
    },
    row(h, b0, b1, weightDecay, keep, beta1, beta2, stepSize, inverseSqrtBias2, epsilon) {
      const offset = h * rowBytes;
      adamRow(layout.W + offset, layout.mW + offset, layout.vW + offset, layout.r0, layout.r1, rowBytes, layout.out, b0, b1, weightDecay, keep, beta1, beta2, stepSize, inverseSqrtBias2, epsilon);
    },
  };
}
