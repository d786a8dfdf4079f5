import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";

/**
 * The name of every temporary file or folder Muffler's atomic writers make: `.<target>.<pid>.<8 hex>.tmp` (and
 * `.old` for a folder being replaced). The pid says who made it, so a later process can tell a dead writer's
 * leftovers from a live writer's work in progress.
 */
export const TEMPORARY_NAME = /^\..+\.(\d+)\.[0-9a-f]{8}\.(?:tmp|old)$/;

/** Whether a process with this id is running (on this machine). A process of another user counts as running. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === "EPERM";
  }
}

/**
 * Removes the temporary files and folders that writers which died (kill -9, power loss) left in `directory`:
 * entries named as {@link TEMPORARY_NAME} whose pid is not a running process. Those of this process and of running
 * processes are kept (they may be writing now). Best effort: a folder that cannot be read or an entry that cannot be
 * removed is left as it is. Returns the names removed.
 */
export async function removeStaleTemporaryFiles(directory: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = TEMPORARY_NAME.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || isProcessAlive(pid)) continue;
    try {
      await rm(join(directory, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Not ours to fight over: leave it.
    }
  }
  return removed;
}
