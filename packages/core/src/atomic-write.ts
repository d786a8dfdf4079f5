import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ensureDirectory, fileSystemError } from "./file-system-error.ts";
import { removeStaleTemporaryFiles } from "./stale-temporary-files.ts";

/**
 * A temporary path beside `path` (same directory, so the final rename is atomic on one file system):
 * `.<name>.<pid>.<8 hex>.tmp`. It starts with `.` and ends with `.tmp` so that readers and globbing skip it, and
 * carries the writer's pid so that `removeStaleTemporaryFiles` can remove it once the writer is dead.
 */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

/**
 * Creates the folder of `path` and removes what dead writers left in it (see `removeStaleTemporaryFiles`): every
 * atomic writer starts with this, so the next run of a stage cleans up after a killed one.
 */
async function prepareFolder(path: string): Promise<void> {
  const folder = dirname(path);
  await ensureDirectory(folder);
  await removeStaleTemporaryFiles(folder);
}

/**
 * Writes `data` to `path` atomically: to a temporary file beside it, flushed to disk, then renamed over `path`.
 * A reader sees the old file or the new one, never half of one. On any failure (a full disk included) the temporary
 * file is removed before the error is thrown; file-system failures become typed errors (`core/disk-full`,
 * `core/not-writable`, `core/not-a-directory`, ...) naming `path`.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await prepareFolder(path);
  const temporary = temporaryPathFor(path);
  try {
    const handle = await open(temporary, "w");
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw fileSystemError(error, { path, action: "write" }) ?? error;
  }
}

/** `writeFileAtomic` for JSON, pretty-printed with a final newline. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Runs `write(temporaryPath)` and renames the result to `path` only when it succeeds: for writers that take a path
 * (DuckDB's COPY, a safetensors writer). On failure the temporary file is removed and `path` is untouched;
 * file-system failures become typed errors as in `writeFileAtomic`.
 */
export async function withAtomicPath<T>(path: string, write: (temporaryPath: string) => Promise<T>): Promise<T> {
  await prepareFolder(path);
  const temporary = temporaryPathFor(path);
  try {
    const result = await write(temporary);
    await rename(temporary, path);
    return result;
  } catch (error) {
    await rm(temporary, { force: true, recursive: true });
    throw fileSystemError(error, { path, action: "write" }) ?? error;
  }
}
