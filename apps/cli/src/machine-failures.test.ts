import { withoutWritePermission } from "@muffler/core/testing";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { reportError } from "./cli-output.ts";
import { runCliInProcess as cli } from "./test-support/run-cli-in-process.ts";

// Issue 17: what the user or the machine causes exits 1 with a typed code; exit 2 is left for Muffler's bugs.

let folder: string;
let input: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "muffler-cli-faults-"));
  input = join(folder, "battles.csv");
  await writeFile(input, "model_a,model_b,prompt,winner_model_a,winner_model_b\na,b,hello,1,0\na,b,again,0,1\na,b,more,1,0\n");
});
afterEach(async () => rm(folder, { recursive: true, force: true }));

describe("muffler prepare: exit 1 with a typed code, never 2", () => {
  it("--run pointing at an existing file (was ENOTDIR, exit 2)", async () => {
    const file = join(folder, "not-a-folder");
    await writeFile(file, "x");
    const result = await cli("prepare", "--input", input, "--run", file);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error [core/not-a-directory]");
  });

  it("a run folder whose parent is not writable (was EACCES with a stack trace, exit 2)", async () => {
    const result = await withoutWritePermission(folder, (readOnly) => cli("prepare", "--input", input, "--run", join(readOnly, "run"), "--json"));
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: "core/not-writable", kind: "input", location: { file: expect.stringContaining("read-only") } } });
  });

  it("a JSON-list prompt with malformed JSON (was exit 2)", async () => {
    const bad = join(folder, "bad-json.csv");
    await writeFile(bad, 'model_a,model_b,prompt,winner_model_a,winner_model_b\na,b,"[""t1""]",1,0\na,b,"[""t2",0,1\n');
    const result = await cli("prepare", "--input", bad, "--run", join(folder, "run"));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error [data/prompt-not-string]");
    expect(result.stderr).toContain("row 2");
  });

  it("a --column-map key given twice (last won silently)", async () => {
    const result = await cli("prepare", "--input", input, "--run", join(folder, "run"), "--column-map", "prompt=prompt,prompt=model_a");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error [data/bad-column-map]");
    expect(result.stderr).toMatch(/"prompt" is given twice/);
    const alias = await cli("prepare", "--input", input, "--run", join(folder, "run"), "--alias", "a=x,a=y");
    expect(alias.code).toBe(1);
    expect(alias.stderr).toContain("error [data/bad-option]");
  });
});

describe("reportError", () => {
  it("turns an untyped file-system failure of the machine into exit 1 with a core code naming the path", () => {
    const error = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", syscall: "write", path: "/runs/a/training/history.json" });
    let printed = "";
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => {
      printed += chunk;
      return true;
    }) as typeof process.stdout.write;
    try {
      expect(reportError(error, true)).toBe(1);
      expect(JSON.parse(printed)).toMatchObject({ error: { code: "core/disk-full", location: { file: "/runs/a/training/history.json" } } });
      expect(reportError(new TypeError("undefined is not a function"), true)).toBe(2);
    } finally {
      process.stdout.write = write;
    }
  });
});
