/**
 * Test helpers for machine failures (a full disk, a folder the user may not write), shared by every package's
 * tests through `@muffler/core/testing`. Not part of the runtime API.
 */
import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, open, rm, truncate } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A small tmpfs mounted for a test: writing more than `sizeBytes` under `path` fails with ENOSPC. */
export interface SmallDisk {
  path: string;
  /** Unmounts and removes the mount point. Call it in the test's teardown. */
  unmount: () => Promise<void>;
}

/**
 * Mounts a tmpfs of `sizeBytes` (rounded up to pages by the kernel). Needs root (or CAP_SYS_ADMIN) on Linux; where
 * mounting is not permitted it prints why and returns `undefined`, so the test can skip visibly.
 */
export async function mountSmallDisk(options: { sizeBytes: number }): Promise<SmallDisk | undefined> {
  if (process.platform !== "linux") {
    console.warn(`[skip] a full-disk test needs Linux tmpfs (platform ${process.platform}).`);
    return undefined;
  }
  const path = await mkdtemp(join(tmpdir(), "muffler-small-disk-"));
  try {
    await run("mount", ["-t", "tmpfs", "-o", `size=${options.sizeBytes}`, "tmpfs", path]);
  } catch (error) {
    await rm(path, { recursive: true, force: true });
    console.warn(`[skip] a full-disk test could not mount a tmpfs (${(error as Error).message.split("\n")[0]}); it needs root.`);
    return undefined;
  }
  await chmod(path, 0o777);
  return {
    path,
    unmount: async () => {
      await run("umount", ["-l", path]).catch(() => undefined);
      await rm(path, { recursive: true, force: true });
    },
  };
}

/**
 * Fills the disk under `folder` (a `mountSmallDisk` path) with one file, `filler`, until a write comes up short or
 * fails with ENOSPC, then frees `leaveBytes` of it again: the next write larger than that fails with ENOSPC.
 */
export async function fillDisk(options: { folder: string; leaveBytes: number }): Promise<void> {
  const path = join(options.folder, "filler");
  const handle = await open(path, "w");
  let size = 0;
  try {
    const chunk = Buffer.alloc(64 * 1024, 1);
    for (;;) {
      const { bytesWritten } = await handle.write(chunk, 0, chunk.length, size);
      size += bytesWritten;
      if (bytesWritten < chunk.length) break;
    }
  } catch {
    // ENOSPC: the disk is full.
  } finally {
    await handle.close();
  }
  await truncate(path, Math.max(0, size - options.leaveBytes));
}

/** The uid and gid the helpers switch to when the tests run as root (`nobody`). */
const NOBODY = 65534;

/**
 * Runs `work` as a user whom file permissions bind: as it is when the tests run as a normal user, and with the
 * effective user and group `nobody` (restored afterwards) when they run as root, who may read and write anything.
 * Everything `work` touches must be reachable by that user (folders 0755 on the way).
 */
export async function asUnprivilegedUser<T>(work: () => Promise<T>): Promise<T> {
  const root = process.geteuid?.() === 0 && process.seteuid !== undefined && process.setegid !== undefined;
  if (root) {
    process.setegid!(NOBODY);
    process.seteuid!(NOBODY);
  }
  try {
    return await work();
  } finally {
    if (root) {
      process.seteuid!(0);
      process.setegid!(0);
    }
  }
}

/**
 * A folder that the code run by `work` may not write to: mode 0555, with `work` run by `asUnprivilegedUser`.
 * The folder is made inside `parent`, which must be traversable by everyone (it is chmod 0755).
 */
export async function withoutWritePermission<T>(parent: string, work: (folder: string) => Promise<T>): Promise<T> {
  const folder = join(parent, "read-only");
  await mkdir(folder, { recursive: true });
  await chmod(parent, 0o755);
  await chmod(folder, 0o555);
  try {
    return await asUnprivilegedUser(() => work(folder));
  } finally {
    await chmod(folder, 0o755);
  }
}
