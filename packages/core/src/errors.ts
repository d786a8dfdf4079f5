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
  // Failures the machine or the user's file system causes (fileSystemError): exit code 1, never a bug.
  /** A folder or file cannot be written: no write permission (EACCES, EPERM) or a read-only file system (EROFS). */
  notWritable: "core/not-writable",
  /** A file cannot be read: no read permission (EACCES, EPERM). */
  permissionDenied: "core/permission-denied",
  /** The disk (or the user's quota) is full (ENOSPC, EDQUOT). */
  diskFull: "core/disk-full",
  /** A path that must be a folder is a file, or a path goes through a file (ENOTDIR, EEXIST on mkdir). */
  notADirectory: "core/not-a-directory",
  /** A path that must be a file is a folder (EISDIR). */
  isADirectory: "core/is-a-directory",
  /** Symbolic links point at each other in a loop (ELOOP). */
  symlinkLoop: "core/symlink-loop",
  /** The process or the system has too many open files (EMFILE, ENFILE). */
  tooManyOpenFiles: "core/too-many-open-files",
  /** A path or one of its names is too long for the file system (ENAMETOOLONG). */
  nameTooLong: "core/name-too-long",
  /** The device reported an input/output error (EIO). */
  ioError: "core/io-error",
  /** A stage was about to write a run-directory file that does not match its schema (a bug in that stage). */
  invalidRunFile: "core/invalid-run-file",
} as const;

export type CoreErrorCode = (typeof CORE_ERROR_CODES)[keyof typeof CORE_ERROR_CODES];
