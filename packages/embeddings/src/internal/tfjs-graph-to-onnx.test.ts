import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { convertTfjsGraphToOnnx } from "./tfjs-graph-to-onnx.ts";
import type { TfNode } from "./tfjs-graph-to-onnx.ts";

const weightData = (values: number[]) => Float32Array.from(values).buffer;

describe("convertTfjsGraphToOnnx", () => {
  it("converts a small graph that onnxruntime runs with TensorFlow's semantics", async () => {
    // y = l2normalize(tanh(x @ W + b)) written as TensorFlow ops, with a StridedSlice on the way.
    const nodes: TfNode[] = [
      { name: "x", op: "Placeholder", attr: { dtype: { type: 1 }, shape: { shape: { dim: [{ size: "-1" }, { size: "2" }] } } } },
      { name: "W", op: "Const" },
      { name: "b", op: "Const" },
      { name: "begin", op: "Const" },
      { name: "end", op: "Const" },
      { name: "strides", op: "Const" },
      { name: "xw", op: "MatMul", input: ["x", "W"], attr: { transpose_a: { b: false }, transpose_b: { b: false } } },
      { name: "h", op: "BiasAdd", input: ["xw", "b"] },
      { name: "t", op: "Tanh", input: ["h"] },
      { name: "s", op: "StridedSlice", input: ["t", "begin", "end", "strides"], attr: { begin_mask: { i: "1" }, end_mask: { i: "3" }, shrink_axis_mask: { i: "0" }, ellipsis_mask: { i: "0" }, new_axis_mask: { i: "0" } } },
    ];
    // Weights in manifest order: W [2, 3] and b [3] as float32, then begin, end, strides as int32.
    const buffer = new ArrayBuffer((6 + 3) * 4 + 3 * 2 * 4);
    new Float32Array(buffer, 0, 9).set([1, 2, 3, 4, 5, 6, 0.1, 0.2, 0.3]);
    new Int32Array(buffer, 36, 6).set([0, 1, 0, 0, 1, 1]);
    const bytes = convertTfjsGraphToOnnx({
      nodes,
      weightSpecs: [{ name: "W", shape: [2, 3], dtype: "float32" }, { name: "b", shape: [3], dtype: "float32" }, { name: "begin", shape: [2], dtype: "int32" }, { name: "end", shape: [2], dtype: "int32" }, { name: "strides", shape: [2], dtype: "int32" }],
      weightData: buffer,
      outputs: ["s"],
    });
    const session = await ort.InferenceSession.create(bytes);
    const result = await session.run({ x: new ort.Tensor("float32", Float32Array.of(1, 0, 0, 1), [2, 2]) });
    const output = result.s!;
    expect(output.dims).toEqual([2, 2]);
    const expected = [Math.tanh(2.2), Math.tanh(3.3), Math.tanh(5.2), Math.tanh(6.3)];
    Array.from(output.data as Float32Array).forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 5));
    await session.release();
  });

  it("refuses an op it does not know rather than converting it wrong", () => {
    expect(() =>
      convertTfjsGraphToOnnx({ nodes: [{ name: "x", op: "Placeholder", attr: { dtype: { type: 1 } } }, { name: "y", op: "Erf", input: ["x"] }], weightSpecs: [], weightData: weightData([]) }),
    ).toThrow(/unsupported TensorFlow op Erf/);
  });
});
