import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OnnxWorkerPool } from "./onnx-worker-pool.ts";
import { encodeOnnxModel } from "./onnx-writer.ts";

/** y = 2x, for float rows of any length. */
const DOUBLE = encodeOnnxModel({
  nodes: [{ op: "Mul", inputs: ["x", "two"], outputs: ["y"] }],
  initializers: [{ name: "two", type: "float", dims: [], data: Float32Array.of(2) }],
  inputs: [{ name: "x", type: "float", dims: ["n"] }],
  outputs: [{ name: "y", type: "float", dims: ["n"] }],
});

const feed = (values: number[]) => [{ name: "x", type: "float32" as const, data: Float32Array.from(values), dims: [values.length] }];

describe("OnnxWorkerPool", () => {
  let pool: OnnxWorkerPool;
  beforeAll(async () => {
    pool = await OnnxWorkerPool.create(2, DOUBLE, { intraOpNumThreads: 1 }, "double.onnx");
  });
  afterAll(async () => {
    await pool?.release();
  });

  it("answers every call with its own output, whichever worker ran it", async () => {
    const outputs = await Promise.all(Array.from({ length: 20 }, (_, index) => pool.run(feed([index, index + 0.5]))));
    outputs.forEach((output, index) => expect(Array.from(output)).toEqual([2 * index, 2 * index + 1]));
    expect(pool.size).toBe(2);
  });

  it("rejects a failing call with embeddings/model-run-failed and goes on with the next", async () => {
    await expect(pool.run([{ name: "not-an-input", type: "float32", data: Float32Array.of(1), dims: [1] }])).rejects.toMatchObject({
      code: "embeddings/model-run-failed",
      message: expect.stringContaining("onnxruntime failed on a batch"),
    });
    expect(Array.from(await pool.run(feed([3])))).toEqual([6]);
  });

  it("rejects a model onnxruntime cannot load with embeddings/model-load-failed, naming the file", async () => {
    await expect(OnnxWorkerPool.create(2, Uint8Array.of(1, 2, 3), {}, "broken.onnx")).rejects.toMatchObject({
      code: "embeddings/model-load-failed",
      location: { file: "broken.onnx" },
    });
  });
});
