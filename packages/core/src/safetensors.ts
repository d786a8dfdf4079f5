import { readFile, writeFile } from "node:fs/promises";
import { z } from "zod";
import { withAtomicPath } from "./atomic-write.ts";
import { CORE_ERROR_CODES, type CoreErrorCode } from "./errors.ts";
import { MufflerError } from "./muffler-error.ts";

/** Error codes of the safetensors reader and writer (a view of `CORE_ERROR_CODES`). */
export const SAFETENSORS_ERROR_CODES = {
  truncated: CORE_ERROR_CODES.safetensorsTruncated,
  badHeader: CORE_ERROR_CODES.safetensorsBadHeader,
  badOffsets: CORE_ERROR_CODES.safetensorsBadOffsets,
  unsupportedDtype: CORE_ERROR_CODES.safetensorsUnsupportedDtype,
  badTensor: CORE_ERROR_CODES.safetensorsBadTensor,
  readFailed: CORE_ERROR_CODES.safetensorsReadFailed,
} as const;

/** The dtypes this reader understands. F16 and BF16 are widened to F32 on read; the writer writes F32 and I32. */
export const SAFETENSORS_DTYPES = ["F32", "I32", "F16", "BF16"] as const;
export type SafetensorsDtype = (typeof SAFETENSORS_DTYPES)[number];

/** One tensor: row-major data (little-endian on disk). `dtype` is the dtype stored in the file. */
export interface SafetensorsTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  /** F32, F16 and BF16 tensors are read as a Float32Array; I32 as an Int32Array. */
  data: Float32Array | Int32Array;
}

export interface SafetensorsFile {
  tensors: Record<string, SafetensorsTensor>;
  /** The string-to-string `__metadata__` map, when the file has one. */
  metadata?: Record<string, string>;
}

/** A tensor to write: F32 from a Float32Array, I32 from an Int32Array (the dtype follows the array type). */
export interface SafetensorsTensorInput {
  shape: number[];
  data: Float32Array | Int32Array;
}

const BYTES_PER_ELEMENT: Record<SafetensorsDtype, number> = { F32: 4, I32: 4, F16: 2, BF16: 2 };
/** The largest header the reference implementation accepts (100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

const tensorInfoSchema = z.object({
  dtype: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  data_offsets: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
});
const metadataSchema = z.record(z.string(), z.string());

/**
 * Reads a safetensors file (the Hugging Face format: an 8-byte little-endian header length, a JSON header with each
 * tensor's dtype, shape and data offsets, then the data). Throws a `MufflerError` with a `core/safetensors-*` code for
 * a truncated file, a header that is not valid JSON or not a safetensors header, offsets outside the data or
 * overlapping, and dtypes other than F32, I32, F16 and BF16.
 */
export async function readSafetensors(path: string): Promise<SafetensorsFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new MufflerError(`Could not read the safetensors file: ${(error as Error).message}.`, {
      code: SAFETENSORS_ERROR_CODES.readFailed,
      file: path,
      hint: "Check that the path exists and is readable.",
      cause: error,
    });
  }
  return parseSafetensors(bytes, path);
}

/** Parses safetensors bytes already in memory; `file` names the source in error messages. */
export function parseSafetensors(bytes: Uint8Array, file = "<buffer>"): SafetensorsFile {
  const fail = (code: CoreErrorCode, message: string, hint?: string): never => {
    throw new MufflerError(message, { code, file, ...(hint !== undefined && { hint }) });
  };
  if (bytes.byteLength < 8) {
    fail(SAFETENSORS_ERROR_CODES.truncated, `The file has ${bytes.byteLength} bytes, fewer than the 8-byte header length.`, "The file is truncated; write it again.");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES) {
    fail(SAFETENSORS_ERROR_CODES.badHeader, `The header length ${headerLength} is larger than ${MAX_HEADER_BYTES} bytes: this is not a safetensors file.`);
  }
  if (8 + headerLength > bytes.byteLength) {
    fail(
      SAFETENSORS_ERROR_CODES.truncated,
      `The header claims ${headerLength} bytes but the file has only ${bytes.byteLength - 8} after the length.`,
      "The file is truncated; write it again.",
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    fail(SAFETENSORS_ERROR_CODES.badHeader, `The header is not valid UTF-8 JSON (${(error as Error).message}).`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    fail(SAFETENSORS_ERROR_CODES.badHeader, "The header is not a JSON object.");
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.byteLength - dataStart;
  const tensors: Record<string, SafetensorsTensor> = {};
  let metadata: Record<string, string> | undefined;
  const ranges: { name: string; begin: number; end: number }[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      const parsed = metadataSchema.safeParse(value);
      if (!parsed.success) fail(SAFETENSORS_ERROR_CODES.badHeader, `"__metadata__" must map strings to strings.`);
      metadata = parsed.data;
      continue;
    }
    const parsed = tensorInfoSchema.safeParse(value);
    if (!parsed.success) {
      fail(SAFETENSORS_ERROR_CODES.badHeader, `Tensor "${name}" needs "dtype", "shape" and "data_offsets" [begin, end] (${parsed.error.issues[0]?.message ?? "invalid"}).`);
    }
    const info = parsed.data!;
    if (!(SAFETENSORS_DTYPES as readonly string[]).includes(info.dtype)) {
      fail(
        SAFETENSORS_ERROR_CODES.unsupportedDtype,
        `Tensor "${name}" has dtype ${info.dtype}; Muffler reads ${SAFETENSORS_DTYPES.join(", ")}.`,
        "Convert the tensor to F32 before saving it.",
      );
    }
    const dtype = info.dtype as SafetensorsDtype;
    const [begin, end] = info.data_offsets;
    const elements = info.shape.reduce((product, size) => product * size, 1);
    if (end < begin || end > dataLength) {
      fail(
        end > dataLength ? SAFETENSORS_ERROR_CODES.truncated : SAFETENSORS_ERROR_CODES.badOffsets,
        `Tensor "${name}" has data offsets [${begin}, ${end}] outside the ${dataLength} data bytes.`,
        end > dataLength ? "The file is truncated; write it again." : undefined,
      );
    }
    if (end - begin !== elements * BYTES_PER_ELEMENT[dtype]) {
      fail(SAFETENSORS_ERROR_CODES.badOffsets, `Tensor "${name}" has shape [${info.shape.join(", ")}] (${elements} x ${dtype}) but ${end - begin} data bytes.`);
    }
    ranges.push({ name, begin, end });
    tensors[name] = { dtype, shape: info.shape, data: decode(bytes, dataStart + begin, elements, dtype) };
  }
  ranges.sort((left, right) => left.begin - right.begin);
  let cursor = 0;
  for (const range of ranges) {
    if (range.begin !== cursor) {
      fail(SAFETENSORS_ERROR_CODES.badOffsets, `Tensor "${range.name}" starts at data byte ${range.begin}, expected ${cursor}: tensors overlap or leave a gap.`);
    }
    cursor = range.end;
  }
  if (cursor !== dataLength) {
    fail(SAFETENSORS_ERROR_CODES.badOffsets, `The tensors cover ${cursor} data bytes but the file holds ${dataLength}.`);
  }
  return metadata === undefined ? { tensors } : { tensors, metadata };
}

/**
 * Serializes tensors to safetensors bytes exactly as the reference (Rust/Python) implementation lays them out:
 * `__metadata__` first, tensors ordered by dtype (wider first, F32 before I32) then name, compact JSON padded with
 * spaces to a multiple of 8 bytes.
 */
export function serializeSafetensors(tensors: Record<string, SafetensorsTensorInput>, metadata?: Record<string, string>): Uint8Array {
  const entries = Object.entries(tensors).map(([name, tensor]) => {
    const dtype: SafetensorsDtype = tensor.data instanceof Float32Array ? "F32" : tensor.data instanceof Int32Array ? "I32" : invalidArray(name);
    const elements = tensor.shape.reduce((product, size) => product * size, 1);
    if (!tensor.shape.every((size) => Number.isInteger(size) && size >= 0) || elements !== tensor.data.length) {
      throw new MufflerError(`Tensor "${name}" has shape [${tensor.shape.join(", ")}] (${elements} elements) but ${tensor.data.length} values.`, {
        code: SAFETENSORS_ERROR_CODES.badTensor,
        kind: "internal",
      });
    }
    return { name, dtype, tensor };
  });
  // The reference sorts by dtype descending (its enum order puts F32 after I32) then by name.
  const rank = (dtype: SafetensorsDtype) => (dtype === "F32" ? 1 : 0);
  entries.sort((left, right) => rank(right.dtype) - rank(left.dtype) || (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    header.__metadata__ = Object.fromEntries(Object.keys(metadata).sort().map((key) => [key, metadata[key]]));
  }
  let offset = 0;
  for (const { name, dtype, tensor } of entries) {
    const end = offset + tensor.data.byteLength;
    header[name] = { dtype, shape: tensor.shape, data_offsets: [offset, end] };
    offset = end;
  }
  let headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const padding = (8 - (headerBytes.length % 8)) % 8;
  if (padding > 0) {
    const padded = new Uint8Array(headerBytes.length + padding).fill(0x20);
    padded.set(headerBytes);
    headerBytes = padded;
  }
  const output = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(output.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  output.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const { tensor } of entries) {
    output.set(toLittleEndianBytes(tensor.data), position);
    position += tensor.data.byteLength;
  }
  return output;
}

/**
 * Writes tensors to a safetensors file atomically (a reader sees the old file or the new one). F32 tensors come from
 * Float32Arrays, I32 from Int32Arrays. The bytes match the Python `safetensors` library's `save_file` for the same
 * tensors and metadata.
 */
export async function writeSafetensors(path: string, tensors: Record<string, SafetensorsTensorInput>, metadata?: Record<string, string>): Promise<void> {
  const bytes = serializeSafetensors(tensors, metadata);
  await withAtomicPath(path, async (temporaryPath) => {
    await writeFile(temporaryPath, bytes);
  });
}

function invalidArray(name: string): never {
  throw new MufflerError(`Tensor "${name}" must be a Float32Array (F32) or an Int32Array (I32).`, { code: SAFETENSORS_ERROR_CODES.badTensor, kind: "internal" });
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function toLittleEndianBytes(data: Float32Array | Int32Array): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN) return bytes;
  const swapped = new Uint8Array(data.byteLength);
  const view = new DataView(swapped.buffer);
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) view.setFloat32(i * 4, data[i]!, true);
    else view.setInt32(i * 4, data[i]!, true);
  }
  return swapped;
}

function decode(bytes: Uint8Array, start: number, elements: number, dtype: SafetensorsDtype): Float32Array | Int32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, elements * BYTES_PER_ELEMENT[dtype]);
  if (LITTLE_ENDIAN && (dtype === "F32" || dtype === "I32")) {
    const copy = bytes.slice(start, start + elements * 4);
    return dtype === "F32" ? new Float32Array(copy.buffer, copy.byteOffset, elements) : new Int32Array(copy.buffer, copy.byteOffset, elements);
  }
  if (dtype === "F32") {
    const out = new Float32Array(elements);
    for (let i = 0; i < elements; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  if (dtype === "I32") {
    const out = new Int32Array(elements);
    for (let i = 0; i < elements; i++) out[i] = view.getInt32(i * 4, true);
    return out;
  }
  const out = new Float32Array(elements);
  if (dtype === "BF16") {
    const word = new Uint32Array(1);
    const asFloat = new Float32Array(word.buffer);
    for (let i = 0; i < elements; i++) {
      word[0] = view.getUint16(i * 2, true) << 16;
      out[i] = asFloat[0]!;
    }
    return out;
  }
  for (let i = 0; i < elements; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
  return out;
}

function halfToFloat(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >> 10) & 0x1f;
  const fraction = half & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
