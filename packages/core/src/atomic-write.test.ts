import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withAtomicPath, writeFileAtomic, writeJsonAtomic } from "./atomic-write.ts";

describe("atomic writes", () => {
  it("replaces a file whole and leaves no temporary file", async () => {
    const directory = await mkdtemp(join(tmpdir(), "muffler-core-"));
    const path = join(directory, "nested", "out.json");
    await writeJsonAtomic(path, { a: 1 });
    await writeFileAtomic(path, "second");
    expect(await readFile(path, "utf8")).toBe("second");
    expect(await readdir(join(directory, "nested"))).toEqual(["out.json"]);
  });

  it("leaves the old file untouched when the writer fails", async () => {
    const directory = await mkdtemp(join(tmpdir(), "muffler-core-"));
    const path = join(directory, "weights.bin");
    await writeFileAtomic(path, "old");
    await expect(
      withAtomicPath(path, async (temporary) => {
        await writeFileAtomic(temporary, "half");
        throw new Error("killed mid-way");
      }),
    ).rejects.toThrow("killed mid-way");
    expect(await readFile(path, "utf8")).toBe("old");
    expect(await readdir(directory)).toEqual(["weights.bin"]);
  });
});
