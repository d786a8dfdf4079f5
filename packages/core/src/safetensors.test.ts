import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isMufflerError } from "./muffler-error.ts";
import { parseSafetensors, readSafetensors, SAFETENSORS_ERROR_CODES, serializeSafetensors, writeSafetensors } from "./safetensors.ts";

/** Builds a file by hand from the format's description: u64 LE header length, JSON header, raw LE data. */
function handMade(header: string, data: number[]): Uint8Array {
  const headerBytes = Buffer.from(header, "utf8");
  const out = Buffer.alloc(8 + headerBytes.length + data.length);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  Buffer.from(data).copy(out, 8 + headerBytes.length);
  return new Uint8Array(out);
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (isMufflerError(error)) return error.code;
    throw error;
  }
  return undefined;
}

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "muffler-safetensors-"));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("serializeSafetensors", () => {
  it("lays out bytes as the Python safetensors library does (metadata first, F32 before I32, name order, space padding)", () => {
    const bytes = serializeSafetensors(
      { b: { shape: [2], data: new Float32Array([1, -2]) }, a: { shape: [1], data: new Int32Array([7]) }, "a.f": { shape: [1, 1], data: new Float32Array([0.5]) } },
      { format: "pt" },
    );
    // What safetensors.torch.save_file({"b": f32[1,-2], "a": i32[7], "a.f": f32[[0.5]]}, metadata={"format": "pt"}) writes.
    const header =
      '{"__metadata__":{"format":"pt"},"a.f":{"dtype":"F32","shape":[1,1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]},"a":{"dtype":"I32","shape":[1],"data_offsets":[12,16]}}';
    const padded = header + " ".repeat((8 - (header.length % 8)) % 8);
    const expected = handMade(padded, [0, 0, 0, 0x3f, 0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0, 7, 0, 0, 0]);
    expect(Buffer.from(bytes).equals(Buffer.from(expected))).toBe(true);
  });
});

describe("readSafetensors / writeSafetensors", () => {
  it("round-trips F32 and I32 tensors with metadata through a file, leaving no temporary file", async () => {
    const path = join(directory, "weights.safetensors");
    const P = new Float32Array([0.25, -1.5, 3, 4, 5, 6]);
    await writeSafetensors(path, { "P.weight": { shape: [2, 3], data: P }, ids: { shape: [3], data: new Int32Array([3, -1, 2]) } }, { epoch: "3" });
    const read = await readSafetensors(path);
    expect(read.metadata).toEqual({ epoch: "3" });
    expect(read.tensors["P.weight"]).toEqual({ dtype: "F32", shape: [2, 3], data: P });
    expect(Array.from(read.tensors.ids!.data)).toEqual([3, -1, 2]);
    expect(read.tensors.ids!.dtype).toBe("I32");
    expect(await readdir(directory)).toEqual(["weights.safetensors"]);
  });

  it("reads a hand-made file with an unpadded header, F16 and BF16 (widened to F32) and no metadata", () => {
    // F16 1.0 = 0x3c00, -2.0 = 0xc000; BF16 1.5 = 0x3fc0.
    const header = '{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"bf":{"dtype":"BF16","shape":[],"data_offsets":[4,6]}}';
    const file = parseSafetensors(handMade(header, [0x00, 0x3c, 0x00, 0xc0, 0xc0, 0x3f]));
    expect(file.metadata).toBeUndefined();
    expect(Array.from(file.tensors.h!.data)).toEqual([1, -2]);
    expect(file.tensors.h!.dtype).toBe("F16");
    expect(Array.from(file.tensors.bf!.data)).toEqual([1.5]);
    expect(file.tensors.bf!.shape).toEqual([]);
  });

  it("rejects a truncated file, naming it", async () => {
    const path = join(directory, "cut.safetensors");
    await writeSafetensors(path, { W: { shape: [4, 4], data: new Float32Array(16).fill(1) } });
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 5));
    await expect(readSafetensors(path)).rejects.toMatchObject({ code: SAFETENSORS_ERROR_CODES.truncated, location: { file: path } });
    await writeFile(path, bytes.subarray(0, 20));
    await expect(readSafetensors(path)).rejects.toMatchObject({ code: SAFETENSORS_ERROR_CODES.truncated });
    await writeFile(path, bytes.subarray(0, 3));
    await expect(readSafetensors(path)).rejects.toMatchObject({ code: SAFETENSORS_ERROR_CODES.truncated });
  });

  it("rejects a header that is not JSON or not a safetensors header", () => {
    expect(codeOf(() => parseSafetensors(handMade("{not json", [])))).toBe(SAFETENSORS_ERROR_CODES.badHeader);
    expect(codeOf(() => parseSafetensors(handMade("[1,2]", [])))).toBe(SAFETENSORS_ERROR_CODES.badHeader);
    expect(codeOf(() => parseSafetensors(handMade('{"x":{"dtype":"F32","shape":[1]}}', [0, 0, 0, 0])))).toBe(SAFETENSORS_ERROR_CODES.badHeader);
    expect(codeOf(() => parseSafetensors(handMade('{"__metadata__":{"a":1}}', [])))).toBe(SAFETENSORS_ERROR_CODES.badHeader);
  });

  it("rejects offsets that disagree with the shape, overlap, or leave bytes unaccounted for", () => {
    const four = [0, 0, 0x80, 0x3f];
    expect(codeOf(() => parseSafetensors(handMade('{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', four)))).toBe(SAFETENSORS_ERROR_CODES.badOffsets);
    expect(codeOf(() => parseSafetensors(handMade('{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}', four)))).toBe(SAFETENSORS_ERROR_CODES.badOffsets);
    expect(
      codeOf(() => parseSafetensors(handMade('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"y":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', four))),
    ).toBe(SAFETENSORS_ERROR_CODES.badOffsets);
    expect(codeOf(() => parseSafetensors(handMade('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', [...four, ...four])))).toBe(
      SAFETENSORS_ERROR_CODES.badOffsets,
    );
    expect(codeOf(() => parseSafetensors(handMade('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}', four)))).toBe(SAFETENSORS_ERROR_CODES.truncated);
  });

  it("rejects dtypes it cannot represent, saying which", () => {
    const run = () => parseSafetensors(handMade('{"x":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}', [1, 0, 0, 0, 0, 0, 0, 0]));
    expect(codeOf(run)).toBe(SAFETENSORS_ERROR_CODES.unsupportedDtype);
    expect(run).toThrow(/I64/);
  });

  it("refuses to write a tensor whose shape does not match its data", async () => {
    await expect(writeSafetensors(join(directory, "bad.safetensors"), { x: { shape: [2, 2], data: new Float32Array(3) } })).rejects.toMatchObject({
      code: SAFETENSORS_ERROR_CODES.badTensor,
    });
    expect(await readdir(directory)).toEqual([]);
  });
});
