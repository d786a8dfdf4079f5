/**
 * A minimal ONNX `ModelProto` encoder (protobuf wire format written by hand): enough to build small graphs in tests
 * and to export graphs for onnxruntime. Field numbers follow onnx/onnx.proto.
 */

export const ONNX_TYPES = { float: 1, int8: 3, int32: 6, int64: 7, bool: 9 } as const;
export type OnnxType = keyof typeof ONNX_TYPES;

export interface OnnxTensor {
  name: string;
  type: OnnxType;
  dims: readonly number[];
  data: Float32Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;
}

export type OnnxAttribute = number | readonly number[] | string | OnnxTensor | { float: number } | { floats: readonly number[] };

export interface OnnxNode {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  attributes?: Record<string, OnnxAttribute>;
  domain?: string;
}

export interface OnnxValueInfo {
  name: string;
  type: OnnxType;
  /** A number for a fixed size, a string for a named dynamic one (`batch`). */
  dims: readonly (number | string)[];
}

export interface OnnxGraph {
  name?: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxTensor[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
  /** @default 17 */
  opset?: number;
  /** Opsets of other domains the nodes use, e.g. `{ "com.microsoft": 1 }` for onnxruntime's contrib ops. */
  extraOpsets?: Record<string, number>;
}

class Writer {
  readonly #chunks: Uint8Array[] = [];
  #length = 0;

  bytes(data: Uint8Array): this {
    this.#chunks.push(data);
    this.#length += data.length;
    return this;
  }

  varint(value: number | bigint): this {
    let remaining = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    do {
      let byte = Number(remaining & 0x7fn);
      remaining >>= 7n;
      if (remaining !== 0n) byte |= 0x80;
      out.push(byte);
    } while (remaining !== 0n);
    return this.bytes(Uint8Array.from(out));
  }

  tag(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }

  int(field: number, value: number | bigint): this {
    return this.tag(field, 0).varint(value);
  }

  float(field: number, value: number): this {
    const buffer = new Uint8Array(4);
    new DataView(buffer.buffer).setFloat32(0, value, true);
    return this.tag(field, 5).bytes(buffer);
  }

  lengthDelimited(field: number, data: Uint8Array): this {
    return this.tag(field, 2).varint(data.length).bytes(data);
  }

  string(field: number, value: string): this {
    return this.lengthDelimited(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (writer: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.lengthDelimited(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let offset = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

function writeTensor(writer: Writer, tensor: OnnxTensor): void {
  for (const dim of tensor.dims) writer.int(1, dim);
  writer.int(2, ONNX_TYPES[tensor.type]);
  writer.string(8, tensor.name);
  const data = tensor.data;
  writer.lengthDelimited(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

function writeAttribute(writer: Writer, name: string, value: OnnxAttribute): void {
  writer.string(1, name);
  // AttributeProto: f=2, i=3, s=4, t=5, floats=7, ints=8, type=20 (FLOAT=1, INT=2, STRING=3, TENSOR=4, FLOATS=6, INTS=7)
  if (typeof value === "number") writer.int(3, value).int(20, 2);
  else if (typeof value === "string") writer.string(4, value).int(20, 3);
  else if (Array.isArray(value)) {
    for (const item of value as number[]) writer.int(8, item);
    writer.int(20, 7);
  } else if ("float" in (value as object)) writer.float(2, (value as { float: number }).float).int(20, 1);
  else if ("floats" in (value as object)) {
    for (const item of (value as { floats: number[] }).floats) writer.float(7, item);
    writer.int(20, 6);
  } else writer.message(5, (inner) => writeTensor(inner, value as OnnxTensor)).int(20, 4);
}

function writeValueInfo(writer: Writer, info: OnnxValueInfo): void {
  writer.string(1, info.name);
  writer.message(2, (type) =>
    type.message(1, (tensorType) => {
      tensorType.int(1, ONNX_TYPES[info.type]);
      tensorType.message(2, (shape) => {
        for (const dim of info.dims) shape.message(1, (dimension) => (typeof dim === "number" ? dimension.int(1, dim) : dimension.string(2, dim)));
      });
    }),
  );
}

/** Encodes `graph` as the bytes of an ONNX model file (IR version 8). */
export function encodeOnnxModel(graph: OnnxGraph): Uint8Array {
  const model = new Writer();
  model.int(1, 8);
  model.string(2, "muffler");
  model.message(7, (writer) => {
    for (const [index, node] of graph.nodes.entries()) {
      writer.message(1, (nodeWriter) => {
        for (const input of node.inputs) nodeWriter.string(1, input);
        for (const output of node.outputs) nodeWriter.string(2, output);
        nodeWriter.string(3, node.name ?? `${node.op}_${index}`);
        nodeWriter.string(4, node.op);
        for (const [name, value] of Object.entries(node.attributes ?? {})) nodeWriter.message(5, (attribute) => writeAttribute(attribute, name, value));
        if (node.domain) nodeWriter.string(7, node.domain);
      });
    }
    writer.string(2, graph.name ?? "graph");
    for (const tensor of graph.initializers) writer.message(5, (inner) => writeTensor(inner, tensor));
    for (const input of graph.inputs) writer.message(11, (inner) => writeValueInfo(inner, input));
    for (const output of graph.outputs) writer.message(12, (inner) => writeValueInfo(inner, output));
  });
  model.message(8, (opset) => opset.string(1, "").int(2, graph.opset ?? 17));
  for (const [domain, version] of Object.entries(graph.extraOpsets ?? {})) model.message(8, (opset) => opset.string(1, domain).int(2, version));
  return model.finish();
}
