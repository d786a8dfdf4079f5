import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { withAtomicPath, writeFileAtomic } from "./atomic-write.ts";
import { BLANK_CHARACTERS, isBlankText } from "./blank-text.ts";
import { CORE_ERROR_CODES } from "./errors.ts";
import { ensureDirectory, fileSystemError } from "./file-system-error.ts";
import { isProcessAlive, removeStaleTemporaryFiles } from "./stale-temporary-files.ts";
import { mountSmallDisk, withoutWritePermission } from "./testing/index.ts";

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "muffler-core-fs-"));
});
afterEach(async () => rm(directory, { recursive: true, force: true }));

/** The pid of a process that has exited (so no process has it, unless the system reuses it at once). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid!;
}

describe("typed file-system errors", () => {
  it("a folder path that is an existing file: core/not-a-directory naming it (was ENOTDIR/EEXIST, exit 2)", async () => {
    const file = join(directory, "run");
    await writeFile(file, "I am a file");
    await expect(writeFileAtomic(join(file, "dataset", "manifest.json"), "{}")).rejects.toMatchObject({ code: CORE_ERROR_CODES.notADirectory, kind: "input" });
    await expect(ensureDirectory(file)).rejects.toMatchObject({ code: CORE_ERROR_CODES.notADirectory, location: { file } });
  });

  it("a parent folder without write permission: core/not-writable naming the path (was EACCES, exit 2)", async () => {
    const error = await withoutWritePermission(directory, (folder) => writeFileAtomic(join(folder, "run", "run.json"), "{}").catch((thrown: unknown) => thrown));
    expect(error).toMatchObject({ code: CORE_ERROR_CODES.notWritable, kind: "input", location: { file: expect.stringContaining("read-only") } });
    expect((error as Error).message).toMatch(/permission denied/);
  });

  it("a symlink loop: core/symlink-loop", async () => {
    await symlink(join(directory, "b"), join(directory, "a"));
    await symlink(join(directory, "a"), join(directory, "b"));
    const error = await readFile(join(directory, "a")).catch((thrown: unknown) => thrown);
    expect(fileSystemError(error, { action: "read" })).toMatchObject({ code: CORE_ERROR_CODES.symlinkLoop, location: { file: join(directory, "a") } });
  });

  it("recognises DuckDB's words for a full disk and leaves other errors alone", () => {
    expect(fileSystemError(new Error('IO Error: Could not write file "x": No space left on device'), { path: "x" })).toMatchObject({ code: CORE_ERROR_CODES.diskFull });
    expect(fileSystemError(new Error("some bug"))).toBeUndefined();
    expect(fileSystemError(Object.assign(new Error("gone"), { code: "ENOENT" }))).toBeUndefined();
  });
});

describe("a full disk (a small tmpfs; needs root)", () => {
  it("writeFileAtomic and withAtomicPath remove the partial file and throw core/disk-full (the partial file stayed)", async (context) => {
    const disk = await mountSmallDisk({ sizeBytes: 64 * 1024 });
    if (!disk) return context.skip();
    try {
      const target = join(disk.path, "big.bin");
      await expect(writeFileAtomic(target, new Uint8Array(1024 * 1024))).rejects.toMatchObject({ code: CORE_ERROR_CODES.diskFull, location: { file: target } });
      expect(await readdir(disk.path)).toEqual([]);
      await expect(withAtomicPath(target, (temporary) => writeFile(temporary, new Uint8Array(1024 * 1024)))).rejects.toMatchObject({ code: CORE_ERROR_CODES.diskFull });
      expect(await readdir(disk.path)).toEqual([]);
    } finally {
      await disk.unmount();
    }
  });
});

describe("stale temporary files", () => {
  it("a writer removes the temporary files of dead processes in its folder, and keeps those of live ones", async () => {
    const dead = await deadPid();
    expect(isProcessAlive(dead)).toBe(false);
    const stale = [`.epoch-1.safetensors.${dead}.0123abcd.tmp`, `.dataset.${dead}.89abcdef.tmp`, `.dataset.${dead}.89abcdef.old`];
    await writeFile(join(directory, stale[0]!), "partial");
    await mkdir(join(directory, stale[1]!, "raw"), { recursive: true });
    await writeFile(join(directory, stale[1]!, "raw", "train.parquet"), "partial");
    await mkdir(join(directory, stale[2]!));
    const live = `.history.json.${process.ppid}.aaaaaaaa.tmp`;
    const mine = `.history.json.${process.pid}.bbbbbbbb.tmp`;
    await writeFile(join(directory, live), "");
    await writeFile(join(directory, mine), "");
    await writeFile(join(directory, "notes.tmp"), "not ours");
    await writeFileAtomic(join(directory, "history.json"), "{}");
    expect((await readdir(directory)).sort()).toEqual([live, mine, "history.json", "notes.tmp"].sort());
    expect(await removeStaleTemporaryFiles(join(directory, "missing"))).toEqual([]);
  });
});

describe("blank text: one rule", () => {
  it("is exactly what String.prototype.trim removes, U+00A0 included", () => {
    const trimmed: string[] = [];
    for (let code = 0; code < 0x10000; code++) if (String.fromCharCode(code).trim() === "") trimmed.push(String.fromCharCode(code));
    expect([...BLANK_CHARACTERS].sort()).toEqual(trimmed.sort());
    expect(isBlankText("\u00a0\u00a0")).toBe(true);
    expect(isBlankText("")).toBe(true);
    expect(isBlankText(" \u3000\n")).toBe(true);
    expect(isBlankText(" a ")).toBe(false);
    expect(isBlankText("\u200b")).toBe(false); // a zero-width space is not whitespace in JavaScript either
  });
});
