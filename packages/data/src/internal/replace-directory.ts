import { ensureDirectory, fileSystemError, removeStaleTemporaryFiles } from "@muffler/core";
import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, rmdir, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds a directory atomically: `build(temporaryDirectory)` fills a hidden temporary directory beside `target`, which
 * then replaces `target` by rename. On failure the temporary directory is removed, `target` is untouched, and a
 * parent directory this call created is removed again when it is left empty: nothing half-written remains.
 * The temporary names are core's (`.<name>.<pid>.<hex>.tmp` / `.old`), and what dead processes left beside `target`
 * is removed first (`removeStaleTemporaryFiles`). File-system failures (no permission, a full disk, a file where the
 * folder should be) become core's typed errors naming `target`.
 */
export async function replaceDirectory<T>(target: string, build: (temporaryDirectory: string) => Promise<T>): Promise<T> {
  const parent = dirname(target);
  const createdParent = !(await exists(parent));
  const suffix = `${process.pid}.${randomBytes(4).toString("hex")}`;
  const temporary = join(parent, `.${basename(target)}.${suffix}.tmp`);
  const old = join(parent, `.${basename(target)}.${suffix}.old`);
  try {
    await ensureDirectory(parent);
    await removeStaleTemporaryFiles(parent);
    await mkdir(temporary, { recursive: true });
    const result = await build(temporary);
    const hadTarget = await exists(target);
    if (hadTarget) await rename(target, old);
    await rename(temporary, target);
    if (hadTarget) await rm(old, { recursive: true, force: true });
    return result;
  } catch (error) {
    await rm(temporary, { recursive: true, force: true }).catch(() => undefined);
    if (createdParent) {
      try {
        if ((await readdir(parent)).length === 0) await rmdir(parent);
      } catch {
        // The parent is gone or not empty: nothing of ours to clean.
      }
    }
    throw fileSystemError(error, { path: target, action: "write" }) ?? error;
  }
}
