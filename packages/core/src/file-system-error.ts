import { mkdir, stat } from "node:fs/promises";
import { CORE_ERROR_CODES } from "./errors.ts";
import { isMufflerError, MufflerError } from "./muffler-error.ts";

/**
 * The codes of failures the machine or the user's file system causes (not Muffler's bugs), a part of
 * `CORE_ERROR_CODES`: every one is `kind: "input"` (CLI exit code 1) and names the path and what to do.
 */
export type FileSystemErrorCode = (typeof CORE_ERROR_CODES)[FileSystemErrorName];

type FileSystemErrorName = "notWritable" | "permissionDenied" | "diskFull" | "notADirectory" | "isADirectory" | "symlinkLoop" | "tooManyOpenFiles" | "nameTooLong" | "ioError";

/** What was being done to the path when the error happened; it picks the words and, for EACCES, the code. */
export type FileSystemAction = "read" | "write" | "create-directory";

/** Options of {@link fileSystemError}. */
export interface FileSystemErrorOptions {
  /** The path to name (as the user gave it). @default the error's own `path` */
  path?: string;
  /** @default taken from the error's `syscall` (mkdir, rename, write: "write"; stat, scandir, read: "read"; else unknown) */
  action?: FileSystemAction;
}

const ERRNO_CODES = new Set(["EACCES", "EPERM", "EROFS", "ENOSPC", "EDQUOT", "ENOTDIR", "EISDIR", "ELOOP", "EMFILE", "ENFILE", "ENAMETOOLONG", "EIO"]);

/** Whether `error` is a Node.js system error (`code` such as `ENOSPC`, usually with `path`). */
function errnoOf(error: unknown): { code: string; path?: string; syscall?: string } | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, path, syscall } = error as { code?: unknown; path?: unknown; syscall?: unknown };
  if (typeof code !== "string") return undefined;
  return { code, ...(typeof path === "string" && { path }), ...(typeof syscall === "string" && { syscall }) };
}

const WRITE_CALLS = new Set(["mkdir", "rename", "write", "unlink", "rmdir", "copyfile", "symlink", "link", "ftruncate", "fsync", "fdatasync", "chmod", "utime"]);
const READ_CALLS = new Set(["stat", "lstat", "scandir", "read", "access", "readlink", "realpath"]);

function actionOf(syscall: string | undefined): FileSystemAction | undefined {
  if (syscall === undefined) return undefined;
  if (WRITE_CALLS.has(syscall)) return "write";
  return READ_CALLS.has(syscall) ? "read" : undefined;
}

/**
 * Turns a Node.js file-system error caused by the machine or the user (no permission, full disk, a file where a
 * folder should be, a symlink loop, ...) into a `MufflerError` naming the path and what to do; `undefined` for any
 * other error (a bug, or ENOENT, which each caller words for its own input). DuckDB's text errors ("No space left on
 * device", "Permission denied") are recognised too.
 */
export function fileSystemError(error: unknown, options: FileSystemErrorOptions = {}): MufflerError | undefined {
  if (isMufflerError(error)) return undefined;
  const errno = errnoOf(error);
  let code = errno && ERRNO_CODES.has(errno.code) ? errno.code : undefined;
  if (code === undefined && error instanceof Error) code = errnoFromMessage(error.message);
  if (code === undefined) return undefined;
  const path = options.path ?? errno?.path;
  const action = options.action ?? actionOf(errno?.syscall);
  const at = path === undefined ? {} : { file: path };
  const make = (errorCode: FileSystemErrorCode, message: string, hint: string) => new MufflerError(message, { code: errorCode, ...at, hint, cause: error });
  switch (code) {
    case "EACCES":
    case "EPERM":
      if (action === undefined) return make(CORE_ERROR_CODES.permissionDenied, `permission denied (${code}).`, "Fix the permissions of this path (ls -l shows them), or choose another one.");
      return action === "read"
        ? make(CORE_ERROR_CODES.permissionDenied, `permission denied: cannot read it (${code}).`, "Give your user read permission (chmod u+r), or copy the file somewhere you can read it.")
        : make(CORE_ERROR_CODES.notWritable, `permission denied: cannot write here (${code}).`, "Choose a folder you can write to (for example under your home folder), or fix its permissions (ls -ld on the folder).");
    case "EROFS":
      return make(CORE_ERROR_CODES.notWritable, "the file system is read-only (EROFS).", "Write to a folder on a writable disk.");
    case "ENOSPC":
    case "EDQUOT":
      return make(CORE_ERROR_CODES.diskFull, `no space left on the device (${code}); the partial file was removed.`, "Free space on that disk (df -h shows it), or write to another disk, and run again: finished work is kept.");
    case "ENOTDIR":
      return make(CORE_ERROR_CODES.notADirectory, "a part of this path is a file, not a folder (ENOTDIR).", "Give a folder path (not an existing file), or move the file away.");
    case "EISDIR":
      return make(CORE_ERROR_CODES.isADirectory, "this is a folder, not a file (EISDIR).", "Give the path of a file.");
    case "ELOOP":
      return make(CORE_ERROR_CODES.symlinkLoop, "symbolic links point at each other in a loop (ELOOP).", "Fix the links (ls -l shows where each points), or give the real path.");
    case "EMFILE":
    case "ENFILE":
      return make(CORE_ERROR_CODES.tooManyOpenFiles, `too many open files (${code}).`, "Raise the limit (ulimit -n 4096) or close other programs, and run again.");
    case "ENAMETOOLONG":
      return make(CORE_ERROR_CODES.nameTooLong, "the path is too long for the file system (ENAMETOOLONG).", "Use a shorter path.");
    default:
      return make(CORE_ERROR_CODES.ioError, "the device reported an input/output error (EIO).", "Check the disk (dmesg), or write to another one.");
  }
}

function errnoFromMessage(message: string): string | undefined {
  if (/No space left on device|Disk quota exceeded/i.test(message)) return "ENOSPC";
  if (/Read-only file system/i.test(message)) return "EROFS";
  if (/Permission denied/i.test(message)) return "EACCES";
  if (/Too many levels of symbolic links/i.test(message)) return "ELOOP";
  return undefined;
}

/** Rethrows `error` as {@link fileSystemError} when it is one, unchanged otherwise. */
export function rethrowFileSystemError(error: unknown, options: FileSystemErrorOptions = {}): never {
  throw fileSystemError(error, options) ?? error;
}

/**
 * `mkdir -p` with typed errors: `core/not-a-directory` when the path (or a part of it) is a file, `core/not-writable`
 * when a parent cannot be written, `core/disk-full`, ...
 */
export async function ensureDirectory(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
  } catch (error) {
    if ((error as { code?: unknown }).code === "EEXIST") {
      const info = await stat(path).catch(() => undefined);
      if (info && !info.isDirectory()) {
        throw new MufflerError("this path is a file, not a folder.", {
          code: CORE_ERROR_CODES.notADirectory,
          file: path,
          hint: "Give a folder path (not an existing file), or move the file away.",
          cause: error,
        });
      }
    }
    rethrowFileSystemError(error, { path, action: "create-directory" });
  }
}
