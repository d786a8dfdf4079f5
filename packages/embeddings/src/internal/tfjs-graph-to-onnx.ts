import { encodeOnnxModel, ONNX_TYPES } from "./onnx-writer.ts";
import type { OnnxNode, OnnxTensor, OnnxType } from "./onnx-writer.ts";

/** A node of a tfjs graph model's `modelTopology.node` list (the TensorFlow GraphDef in JSON). */
export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, { i?: string; b?: boolean; f?: number; type?: number | string; list?: { i?: string[] }; shape?: unknown; s?: string }>;
}

/** A weight of a tfjs graph model's `weightsManifest`. */
export interface TfWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
}

type Constant = { type: "float"; dims: number[]; data: Float32Array } | { type: "int32"; dims: number[]; data: Int32Array };

const INT64_MAX = 9223372036854775807n;
const TF_TYPES: Record<string, OnnxType> = { "1": "float", DT_FLOAT: "float", "3": "int32", DT_INT32: "int32", "9": "int64", DT_INT64: "int64", "10": "bool", DT_BOOL: "bool" };

/**
 * Converts a tfjs graph model (a TensorFlow GraphDef with its weights) to an ONNX model, op by op, for the op set
 * Universal Sentence Encoder Lite uses (41 op types, sparse inputs included). Placeholders become int32 inputs with
 * dynamic sizes; every Const becomes an initializer (plus int64 copies where ONNX wants int64 shapes or axes).
 * Throws on an op or attribute it does not know, so a different graph never converts silently wrong.
 */
export function convertTfjsGraphToOnnx(options: {
  nodes: readonly TfNode[];
  weightSpecs: readonly TfWeightSpec[];
  weightData: ArrayBuffer;
  outputs?: string[];
  /**
   * Run every matrix product with a constant weight matrix in int8 (onnxruntime's DynamicQuantizeMatMul: weights
   * quantized per output column, symmetric; activations quantized per call). Faster, slightly different vectors.
   * @default false
   */
  quantizeWeights?: boolean | ((nodeName: string) => boolean);
}): Uint8Array {
  const constants = decodeWeights(options.weightSpecs, options.weightData);
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const inputs: { name: string; type: OnnxType; dims: (number | string)[] }[] = [];
  const initialized = new Set<string>();
  let counter = 0;
  const fresh = (hint: string) => `${hint}__${counter++}`;
  const tensorName = (input: string) => (input.endsWith(":0") ? input.slice(0, -2) : input);

  const constantOf = (input: string): Constant => {
    const constant = constants.get(tensorName(input));
    if (!constant) throw new Error(`expected a constant input, got ${input}`);
    return constant;
  };
  const use = (input: string): string => {
    const name = tensorName(input);
    const constant = constants.get(name);
    if (constant && !initialized.has(name)) {
      initialized.add(name);
      initializers.push({ name, type: constant.type, dims: constant.dims, data: constant.data });
    }
    return name;
  };
  const int64 = (values: readonly (number | bigint)[], dims: number[] = [values.length]): string => {
    const name = fresh("int64_const");
    initializers.push({ name, type: "int64", dims, data: BigInt64Array.from(values, (value) => BigInt(value)) });
    return name;
  };
  const emit = (op: string, nodeInputs: string[], outputs: string[] = [fresh(op)], attributes?: OnnxNode["attributes"]): string => {
    nodes.push({ op, inputs: nodeInputs, outputs, ...(attributes && { attributes }) });
    return outputs[0]!;
  };
  const toInt64 = (input: string): string => {
    const name = tensorName(input);
    const constant = constants.get(name);
    if (constant && constant.type === "int32") return int64(Array.from(constant.data), constant.dims);
    return emit("Cast", [use(input)], [fresh("to_int64")], { to: 7 });
  };
  /** `a @ W` for a constant [K, N] weight: MatMul, or DynamicQuantizeMatMul with per-column int8 weights. */
  const quantize = (nodeName: string) => (typeof options.quantizeWeights === "function" ? options.quantizeWeights(nodeName) : options.quantizeWeights === true);
  const matMulConstant = (a: string, weights: Float32Array, rows: number, columns: number, output: string): void => {
    if (!quantize(output)) {
      const name = fresh("weights");
      initializers.push({ name, type: "float", dims: [rows, columns], data: weights });
      emit("MatMul", [a, name], [output]);
      return;
    }
    const scales = new Float32Array(columns);
    for (let row = 0; row < rows; row++) for (let column = 0; column < columns; column++) scales[column] = Math.max(scales[column]!, Math.abs(weights[row * columns + column]!));
    for (let column = 0; column < columns; column++) scales[column] = scales[column]! > 0 ? scales[column]! / 127 : 1;
    const quantized = new Int8Array(rows * columns);
    for (let index = 0; index < quantized.length; index++) quantized[index] = Math.round(weights[index]! / scales[index % columns]!);
    const [b, scale, zero] = [fresh("weights_int8"), fresh("weights_scale"), fresh("weights_zero")];
    initializers.push({ name: b, type: "int8", dims: [rows, columns], data: quantized });
    initializers.push({ name: scale, type: "float", dims: [columns], data: scales });
    initializers.push({ name: zero, type: "int8", dims: [columns], data: new Int8Array(columns) });
    nodes.push({ op: "DynamicQuantizeMatMul", domain: "com.microsoft", inputs: [a, b, scale, zero], outputs: [output] });
  };
  const intAttribute = (node: TfNode, key: string): number => Number(node.attr?.[key]?.i ?? 0);
  const boolAttribute = (node: TfNode, key: string): boolean => node.attr?.[key]?.b === true;

  for (const node of options.nodes) {
    const name = node.name;
    const args = node.input ?? [];
    const input = (index: number) => use(args[index]!);
    switch (node.op) {
      case "Const":
        break;
      case "Placeholder": {
        // tfjs has no int64: it feeds int64 placeholders (USE-lite's indices and values) as int32, and so do we.
        const declared = TF_TYPES[String(node.attr?.dtype?.type)];
        if (!declared) throw new Error(`placeholder ${name} has an unsupported dtype`);
        const type = declared === "int64" ? "int32" : declared;
        const dims = ((node.attr?.shape?.shape as { dim?: { size: string }[] } | undefined)?.dim ?? []).map((dim, index) => (Number(dim.size) < 0 ? `${name}_${index}` : Number(dim.size)));
        inputs.push({ name, type, dims });
        break;
      }
      case "Identity":
        emit("Identity", [input(0)], [name]);
        break;
      case "StridedSlice": {
        if (intAttribute(node, "ellipsis_mask") !== 0 || intAttribute(node, "new_axis_mask") !== 0) throw new Error(`${name}: ellipsis and new-axis masks are not supported`);
        const begin = Array.from(constantOf(args[1]!).data);
        const end = Array.from(constantOf(args[2]!).data);
        const strides = Array.from(constantOf(args[3]!).data);
        const beginMask = intAttribute(node, "begin_mask");
        const endMask = intAttribute(node, "end_mask");
        const shrinkMask = intAttribute(node, "shrink_axis_mask");
        const starts: bigint[] = [];
        const ends: bigint[] = [];
        const shrinkAxes: number[] = [];
        begin.forEach((value, axis) => {
          const stride = strides[axis]!;
          if (stride !== 1) throw new Error(`${name}: only stride 1 is supported`);
          const shrink = (shrinkMask >> axis) & 1;
          const start = (beginMask >> axis) & 1 && !shrink ? 0n : BigInt(value);
          let stop = (endMask >> axis) & 1 && !shrink ? INT64_MAX : BigInt(end[axis]!);
          if (shrink) {
            stop = start === -1n ? INT64_MAX : start + 1n;
            shrinkAxes.push(axis);
          }
          starts.push(start);
          ends.push(stop);
        });
        const axes = begin.map((_, axis) => axis);
        if (shrinkAxes.length === 0) emit("Slice", [input(0), int64(starts), int64(ends), int64(axes)], [name]);
        else {
          const sliced = emit("Slice", [input(0), int64(starts), int64(ends), int64(axes)]);
          emit("Squeeze", [sliced, int64(shrinkAxes)], [name]);
        }
        break;
      }
      case "Slice": {
        const begin = Array.from(constantOf(args[1]!).data);
        const size = Array.from(constantOf(args[2]!).data);
        const ends = begin.map((start, axis) => (size[axis]! < 0 ? INT64_MAX : BigInt(start + size[axis]!)));
        emit("Slice", [input(0), int64(begin), int64(ends), int64(begin.map((_, axis) => axis))], [name]);
        break;
      }
      case "Less":
      case "Greater":
      case "Add":
      case "Sub":
      case "Mul":
      case "Sin":
      case "Cos":
      case "Tanh":
      case "Relu":
      case "Softmax": {
        const op = node.op;
        emit(op, args.map((_, index) => input(index)), [name]);
        break;
      }
      case "BiasAdd":
        emit("Add", [input(0), input(1)], [name]);
        break;
      case "RealDiv":
        emit("Div", [input(0), input(1)], [name]);
        break;
      case "Maximum":
        emit("Max", [input(0), input(1)], [name]);
        break;
      case "LogicalNot":
        emit("Not", [input(0)], [name]);
        break;
      case "Square":
        emit("Mul", [input(0), input(0)], [name]);
        break;
      case "Rsqrt":
        emit("Reciprocal", [emit("Sqrt", [input(0)])], [name]);
        break;
      case "Cast": {
        const type = TF_TYPES[String(node.attr?.DstT?.type)];
        if (!type) throw new Error(`${name}: unsupported cast target`);
        emit("Cast", [input(0)], [name], { to: ONNX_TYPES[type] });
        break;
      }
      case "Where": {
        if (args.length !== 1) throw new Error(`${name}: only the one-input Where is supported`);
        emit("Transpose", [emit("NonZero", [input(0)])], [name], { perm: [1, 0] });
        break;
      }
      case "Reshape":
        emit("Reshape", [input(0), toInt64(args[1]!)], [name]);
        break;
      case "GatherV2": {
        const axis = constantOf(args[2]!).data[0]!;
        emit("Gather", [input(0), input(1)], [name], { axis });
        break;
      }
      case "Max":
      case "Sum":
      case "Mean":
      case "Prod": {
        const axes = Array.from(constantOf(args[1]!).data);
        const keepdims = boolAttribute(node, "keep_dims") ? 1 : 0;
        if (node.op === "Sum") emit("ReduceSum", [input(0), int64(axes)], [name], { keepdims });
        else emit({ Max: "ReduceMax", Mean: "ReduceMean", Prod: "ReduceProd" }[node.op]!, [input(0)], [name], { axes, keepdims });
        break;
      }
      case "Shape": {
        const outType = TF_TYPES[String(node.attr?.out_type?.type ?? "3")];
        const shape = emit("Shape", [input(0)]);
        if (outType === "int64") emit("Identity", [shape], [name]);
        else emit("Cast", [shape], [name], { to: 6 });
        break;
      }
      case "SparseToDense": {
        const fill = constantOf(args[3]!);
        const filled = emit("Expand", [use(args[3]!), toInt64(args[1]!)]);
        if (fill.dims.length !== 0) throw new Error(`${name}: the default value must be a scalar`);
        emit("ScatterND", [filled, toInt64(args[0]!), input(2)], [name]);
        break;
      }
      case "ScatterNd": {
        const zeros = emit("ConstantOfShape", [toInt64(args[2]!)], [fresh("zeros")], { value: { name: "value", type: "float", dims: [1], data: new Float32Array(1) } });
        emit("ScatterND", [zeros, toInt64(args[0]!), input(1)], [name]);
        break;
      }
      case "GatherNd":
        emit("GatherND", [input(0), toInt64(args[1]!)], [name]);
        break;
      case "ExpandDims":
        emit("Unsqueeze", [input(0), int64(Array.from(constantOf(args[1]!).data))], [name]);
        break;
      case "Squeeze": {
        const axes = (node.attr?.squeeze_dims?.list?.i ?? []).map(Number);
        emit("Squeeze", axes.length > 0 ? [input(0), int64(axes)] : [input(0)], [name]);
        break;
      }
      case "ConcatV2": {
        const axis = constantOf(args.at(-1)!).data[0]!;
        emit("Concat", args.slice(0, -1).map((_, index) => input(index)), [name], { axis });
        break;
      }
      case "Pack": {
        const axis = intAttribute(node, "axis");
        const unsqueezed = args.map((_, index) => emit("Unsqueeze", [input(index), int64([axis])]));
        emit("Concat", unsqueezed, [name], { axis });
        break;
      }
      case "SplitV": {
        const sizes = Array.from(constantOf(args[1]!).data);
        const axis = constantOf(args[2]!).data[0]!;
        emit("Split", [input(0), int64(sizes)], sizes.map((_, index) => (index === 0 ? name : `${name}:${index}`)), { axis });
        break;
      }
      case "Transpose":
        emit("Transpose", [input(0)], [name], { perm: Array.from(constantOf(args[1]!).data) });
        break;
      case "MatMul":
      case "BatchMatMul":
      case "BatchMatMulV2": {
        const transposeA = boolAttribute(node, node.op === "MatMul" ? "transpose_a" : "adj_x");
        const transposeB = boolAttribute(node, node.op === "MatMul" ? "transpose_b" : "adj_y");
        const weights = constants.get(tensorName(args[1]!));
        if (node.op === "MatMul" && !transposeA && !transposeB && weights?.type === "float" && weights.dims.length === 2) {
          matMulConstant(input(0), weights.data, weights.dims[0]!, weights.dims[1]!, name);
          break;
        }
        const rank = node.op === "MatMul" ? 2 : 4;
        const perm = [...Array.from({ length: rank - 2 }, (_, axis) => axis), rank - 1, rank - 2];
        const a = transposeA ? emit("Transpose", [input(0)], [fresh("transpose_a")], { perm }) : input(0);
        const b = transposeB ? emit("Transpose", [input(1)], [fresh("transpose_b")], { perm }) : input(1);
        emit("MatMul", [a, b], [name]);
        break;
      }
      case "Conv2D": {
        // Only the 1x1, stride 1 convolutions (dense layers over NHWC) of USE-lite: a MatMul with the [C, O] kernel.
        const kernel = constantOf(args[1]!);
        const strides = (node.attr?.strides?.list?.i ?? []).map(Number);
        if (kernel.dims[0] !== 1 || kernel.dims[1] !== 1 || strides.some((stride) => stride !== 1)) throw new Error(`${name}: only 1x1 stride-1 Conv2D is supported`);
        matMulConstant(input(0), kernel.data as Float32Array, kernel.dims[2]!, kernel.dims[3]!, name);
        break;
      }
      case "Range":
        emit("Range", [input(0), input(1), input(2)], [name]);
        break;
      default:
        throw new Error(`unsupported TensorFlow op ${node.op} (${name})`);
    }
  }
  const consumed = new Set(options.nodes.flatMap((node) => (node.input ?? []).map((input) => tensorName(input).split(":")[0]!)));
  const outputNames = options.outputs ?? options.nodes.filter((node) => node.op !== "Const" && !consumed.has(node.name)).map((node) => node.name);
  return encodeOnnxModel({
    name: "use-lite",
    nodes,
    initializers,
    inputs,
    outputs: outputNames.map((name) => ({ name, type: "float", dims: ["rows", "features"] })),
    opset: 13,
    ...(options.quantizeWeights && { extraOpsets: { "com.microsoft": 1 } }),
  });
}

function decodeWeights(specs: readonly TfWeightSpec[], buffer: ArrayBuffer): Map<string, Constant> {
  const constants = new Map<string, Constant>();
  let offset = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((product, dim) => product * dim, 1);
    if (spec.dtype === "float32") constants.set(spec.name, { type: "float", dims: spec.shape, data: new Float32Array(buffer.slice(offset, offset + size * 4)) });
    else if (spec.dtype === "int32") constants.set(spec.name, { type: "int32", dims: spec.shape, data: new Int32Array(buffer.slice(offset, offset + size * 4)) });
    else throw new Error(`unsupported weight dtype ${spec.dtype} (${spec.name})`);
    offset += size * 4;
  }
  return constants;
}
