import { randomBytes } from "node:crypto";
import { open, readFile, rm } from "node:fs/promises";
import { fileSystemError, isProcessAlive, MufflerError } from "@muffler/core";
import { EMBEDDINGS_ERROR_CODES } from "../errors.ts";

const POLL_MS = 25;

/**
 * A lock between processes: a file created exclusively (`wx`) holding `<pid> <token>`. A lock whose pid is not a
 * running process is stale (its holder was killed) and is taken over. Re-entrant within one `CacheLock` object.
 * Two waiters may both see a stale lock and remove it; the file is removed only when it still holds what was read,
 * which leaves a window of a few microseconds in which both could take it (then their appends still go to separate
 * segments, so nothing is corrupted; at worst a chunk is computed twice).
 */
export class CacheLock {
  readonly #path: string;
  readonly #timeoutMs: number;
  #depth = 0;

  constructor(options: { path: string; timeoutMs: number }) {
    this.#path = options.path;
    this.#timeoutMs = options.timeoutMs;
  }

  async hold<T>(work: () => Promise<T>): Promise<T> {
    if (this.#depth > 0) {
      this.#depth++;
      try {
        return await work();
      } finally {
        this.#depth--;
      }
    }
    const content = `${process.pid} ${randomBytes(8).toString("hex")}\n`;
    await this.#acquire(content);
    this.#depth = 1;
    try {
      return await work();
    } finally {
      this.#depth = 0;
      await rm(this.#path, { force: true });
    }
  }

  async #acquire(content: string): Promise<void> {
    let holder: string | undefined;
    let since = Date.now();
    for (;;) {
      try {
        const handle = await open(this.#path, "wx");
        try {
          await handle.writeFile(content);
        } finally {
          await handle.close();
        }
        return;
      } catch (error) {
        if ((error as { code?: unknown }).code !== "EEXIST") throw fileSystemError(error, { path: this.#path, action: "write" }) ?? error;
      }
      const current = await readFile(this.#path, "utf8").catch(() => undefined);
      if (current === undefined) continue;
      const pid = Number(current.split(" ")[0]);
      if (current.length > 0 && !isProcessAlive(pid)) {
        // Stale: its holder died. Remove it unless someone took it over meanwhile.
        const again = await readFile(this.#path, "utf8").catch(() => undefined);
        if (again === current) await rm(this.#path, { force: true });
        continue;
      }
      if (current !== holder) {
        holder = current;
        since = Date.now();
      } else if (Date.now() - since > this.#timeoutMs) {
        throw new MufflerError(`the embedding cache is locked by process ${pid}, which has held it for ${Math.round((Date.now() - since) / 1000)} s without progress.`, {
          code: EMBEDDINGS_ERROR_CODES.cacheLocked,
          file: this.#path,
          hint: `Wait for that process to finish, or stop it (kill ${pid}); a lock of a process that is gone is taken over at once.`,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
