import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * A temporary path beside `path` (same directory, so the final rename is atomic on one file system).
 * Its name starts with `.` and ends with `.tmp` so that readers and globbing skip it.
 */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

/**
 * Writes `data` to `path` atomically: to a temporary file beside it, flushed to disk, then renamed over `path`.
 * A reader sees the old file or the new one, never half of one; a crash leaves at most a stray `.tmp` file.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = temporaryPathFor(path);
  const handle = await open(temporary, "w");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** `writeFileAtomic` for JSON, pretty-printed with a final newline. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Runs `write(temporaryPath)` and renames the result to `path` only when it succeeds: for writers that take a path
 * (DuckDB's COPY, a safetensors writer). On failure the temporary file is removed and `path` is untouched.
 */
export async function withAtomicPath<T>(path: string, write: (temporaryPath: string) => Promise<T>): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = temporaryPathFor(path);
  try {
    const result = await write(temporary);
    await rename(temporary, path);
    return result;
  } catch (error) {
    await rm(temporary, { force: true, recursive: true });
    throw error;
  }
}
