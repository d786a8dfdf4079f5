/**
 * The stable error codes of `@muffler/core`. A code never changes meaning; messages may be reworded.
 * Adding a code is one line here; `CoreErrorCode` and `MufflerErrorCode` pick it up.
 */
export const CORE_ERROR_CODES = {
  /** A safetensors file ends before its header or data says it should. */
  safetensorsTruncated: "core/safetensors-truncated",
  /** A safetensors header is not the JSON object the format describes. */
  safetensorsBadHeader: "core/safetensors-bad-header",
  /** A safetensors tensor's data offsets overlap, leave gaps or disagree with its shape. */
  safetensorsBadOffsets: "core/safetensors-bad-offsets",
  /** A safetensors tensor has a dtype this reader does not widen to F32 or I32. */
  safetensorsUnsupportedDtype: "core/safetensors-unsupported-dtype",
  /** A tensor to write is not a Float32Array or an Int32Array, or its shape does not match its length. */
  safetensorsBadTensor: "core/safetensors-bad-tensor",
  /** A safetensors file could not be read (missing, permissions, I/O). */
  safetensorsReadFailed: "core/safetensors-read-failed",
} as const;

export type CoreErrorCode = (typeof CORE_ERROR_CODES)[keyof typeof CORE_ERROR_CODES];
