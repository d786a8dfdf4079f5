import { fillDisk, mountSmallDisk, withoutWritePermission } from "@muffler/core/testing";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
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

async function temporaryFiles(folder: string): Promise<string[]> {
  return (await readdir(folder, { recursive: true })).map(String).filter((name) => name.endsWith(".tmp"));
}

describe("a full disk in embed and train (a small tmpfs; needs root): exit 1 core/disk-full, no partial file (were stack traces, exit 2)", () => {
  it("embed, then train", async (context) => {
    const disk = await mountSmallDisk({ sizeBytes: 8 * 1024 * 1024 });
    if (!disk) return context.skip();
    try {
      const rows = ["model_a,model_b,prompt,winner_model_a,winner_model_b"];
      for (let index = 0; index < 300; index++) rows.push(`gpt-4,mixtral,Question ${index} about ${index * 7},${index % 3 === 0 ? 1 : 0},${index % 3 === 0 ? 0 : 1}`);
      await writeFile(input, `${rows.join("\n")}\n`);
      const run = join(disk.path, "run");
      expect((await cli("prepare", "--input", input, "--run", run, "--strong", "gpt-4", "--weak", "mixtral")).code).toBe(0);
      await fillDisk({ folder: disk.path, leaveBytes: 200 * 1024 });
      const embed = await cli("embed", "--run", run, "--embedder", "lexical", "--json");
      expect(embed.code).toBe(1);
      expect(JSON.parse(embed.stdout)).toMatchObject({ error: { code: "core/disk-full", kind: "input" } });
      expect(await temporaryFiles(run)).toEqual([]);
      await rm(join(disk.path, "filler"));
      expect((await cli("embed", "--run", run, "--embedder", "lexical")).code).toBe(0);
      await fillDisk({ folder: disk.path, leaveBytes: 0 });
      const train = await cli("train", "--run", run, "--epochs", "1", "--json");
      expect(train.code).toBe(1);
      expect(JSON.parse(train.stdout)).toMatchObject({ error: { code: "core/disk-full", kind: "input" } });
      expect(await temporaryFiles(run)).toEqual([]);
    } finally {
      await disk.unmount();
    }
  });
});

describe("muffler cache compact", () => {
  it("merges the segments of earlier embeds into one and says so", async () => {
    const cache = join(folder, "cache");
    for (let run = 0; run < 3; run++) {
      const battles = join(folder, `battles-${run}.csv`);
      await writeFile(battles, `model_a,model_b,prompt,winner_model_a,winner_model_b\n${Array.from({ length: 6 }, (_, index) => `a,b,prompt ${run} ${index},${index % 2},${1 - (index % 2)}`).join("\n")}\n`);
      expect((await cli("prepare", "--input", battles, "--run", join(folder, `run-${run}`))).code).toBe(0);
      expect((await cli("embed", "--run", join(folder, `run-${run}`), "--embedder", "lexical", "--cache", cache)).code).toBe(0);
    }
    const result = await cli("cache", "compact", "--cache", cache, "--json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ embedders: [{ segmentsBefore: 3, segmentsAfter: 1, records: 18 }] });
    const missing = await cli("cache", "compact", "--cache", join(folder, "nowhere"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("embeddings/bad-cache");
  });
});
