import { CORE_ERROR_CODES } from "@muffler/core";
import { asUnprivilegedUser, mountSmallDisk, withoutWritePermission } from "@muffler/core/testing";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DATA_ERROR_CODES } from "./errors.ts";
import { listTree, temporaryFolder, writeCsv, writeJsonLines } from "./internal/test-helpers.ts";
import { prepareDataset, type PrepareDatasetOptions } from "./prepare-dataset.ts";

// The cases of issue 17: faults that were reported as something else, accepted silently, or crashed with exit 2.

let folder: { path: string; cleanup: () => Promise<void> };
let run: string;
beforeEach(async () => {
  folder = await temporaryFolder();
  run = join(folder.path, "run");
});
afterEach(async () => {
  await folder.cleanup();
});

const HEADER = "model_a,model_b,prompt,winner_model_a,winner_model_b,winner_tie";
const line = (index: number) => `strong,weak,prompt ${index},${index % 2},${1 - (index % 2)},0`;
const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, offset) => line(from + offset));
const good = (overrides: Record<string, unknown> = {}) => ({ model_a: "strong", model_b: "weak", prompt: "What is 2 + 2?", winner_model_a: 1, winner_model_b: 0, winner_tie: 0, ...overrides });

async function failure(options: Omit<PrepareDatasetOptions, "runDirectory"> & { runDirectory?: string }): Promise<{ code: string; kind: string; message: string; location: Record<string, unknown> }> {
  const error = await prepareDataset({ runDirectory: run, ...options }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error, "prepareDataset should have failed").toBeDefined();
  expect(error).toMatchObject({ name: "MufflerError", kind: "input" });
  return error as { code: string; kind: string; message: string; location: Record<string, unknown> };
}

async function csv(name: string, body: string[]): Promise<string> {
  const path = join(folder.path, name);
  await writeFile(path, `${body.join("\n")}\n`);
  return path;
}

describe("CSV faults near the top are reported as what they are (they gave data/missing-columns or passed)", () => {
  it("an unclosed quote in row 2", async () => {
    const input = await csv("unclosed.csv", [HEADER, line(1), 'strong,weak,"never closed,1,0,0', ...lines(3, 40)]);
    const error = await failure({ input });
    expect(error).toMatchObject({ code: DATA_ERROR_CODES.unclosedQuote, location: { file: input, row: 2 } });
    expect(error.message).toMatch(/never closes/);
    expect(await listTree(run)).toEqual([]);
  });

  it("an unbalanced quote followed by more quoted rows (text after the closing quote)", async () => {
    const input = await csv("unbalanced.csv", [HEADER, 'strong,weak,"say "hi" please",1,0,0', 'strong,weak,"fine",0,1,0', ...lines(3, 40)]);
    expect(await failure({ input })).toMatchObject({ code: DATA_ERROR_CODES.unclosedQuote, location: { file: input, row: 1 } });
  });

  it("a row with too few fields and one with too many, in the first rows", async () => {
    const short = await csv("short.csv", [HEADER, line(1), "strong,weak,prompt 2,1,0", ...lines(3, 40)]);
    const error = await failure({ input: short });
    expect(error).toMatchObject({ code: DATA_ERROR_CODES.wrongFieldCount, location: { file: short, row: 2 } });
    expect(error.message).toMatch(/5 fields, the header 6/);
    const long = await csv("long.csv", [HEADER, "strong,weak,prompt 1,1,0,0,extra", ...lines(2, 40)]);
    expect(await failure({ input: long })).toMatchObject({ code: DATA_ERROR_CODES.wrongFieldCount, location: { row: 1 } });
  });

  it("the same fault far down the file (past the strict head, found by DuckDB) has the same code and the row", async () => {
    const input = await csv("late.csv", [HEADER, ...lines(1, 30_001), "strong,weak,prompt late,1,0", ...lines(30_002, 30_010)]);
    expect(await failure({ input })).toMatchObject({ code: DATA_ERROR_CODES.wrongFieldCount, location: { file: input, row: 30_001 } });
  });

  it("a TSV with a ragged row", async () => {
    const input = await csv("ragged.tsv", [HEADER.replaceAll(",", "\t"), "strong\tweak\tp\t1\t0", "strong\tweak\tq\t0\t1\t0"]);
    expect(await failure({ input })).toMatchObject({ code: DATA_ERROR_CODES.wrongFieldCount, location: { row: 1 } });
  });

  it("still reads quoted fields with delimiters, doubled quotes, newlines and CRLF line ends", async () => {
    const input = join(folder.path, "quoted.csv");
    const body = [HEADER, 'strong,weak,"a, b and ""c""\nsecond line",1,0,0', ...lines(2, 12)].join("\r\n");
    await writeFile(input, `\ufeff${body}\r\n`);
    const { manifest } = await prepareDataset({ input, runDirectory: run });
    expect(manifest.counts?.input).toBe(11);
  });
});

describe("validation: nothing bad is accepted silently", () => {
  it("duplicate column names (prompt,prompt used the first)", async () => {
    const input = await csv("dup.csv", ["model_a,model_b,prompt,prompt,winner_model_a,winner_model_b", "strong,weak,a,b,1,0", "strong,weak,c,d,0,1"]);
    const error = await failure({ input });
    expect(error).toMatchObject({ code: DATA_ERROR_CODES.duplicateColumns, location: { file: input, column: "prompt" } });
  });

  it("a prompt of only U+00A0 (and other Unicode spaces) is empty, as embeddings say", async () => {
    for (const blank of ["\u00a0\u00a0", "\u3000", "\u2003 \u00a0"]) {
      const input = await writeCsv(join(folder.path, "nbsp.csv"), [good(), good({ prompt: blank }), good({ prompt: "other", winner_model_a: 0, winner_model_b: 1 })]);
      expect(await failure({ input })).toMatchObject({ code: DATA_ERROR_CODES.emptyPrompt, location: { row: 2, column: "prompt" } });
    }
    // A zero-width space is not whitespace (for JavaScript's trim either): such a prompt is kept.
    const input = await writeCsv(join(folder.path, "zwsp.csv"), [good({ prompt: "\u200b" }), good({ prompt: "other", winner_model_a: 0, winner_model_b: 1 })]);
    await expect(prepareDataset({ input, runDirectory: run })).resolves.toBeDefined();
  });

  it("a JSON-list prompt with malformed JSON (it crashed with exit 2)", async () => {
    const input = await csv("bad-json.csv", [HEADER, 'strong,weak,"[""t1""]",1,0,0', 'strong,weak,"[""t2",0,1,0', 'strong,weak,"[""t3""]",0,1,0']);
    const error = await failure({ input });
    expect(error).toMatchObject({ code: DATA_ERROR_CODES.promptNotString, location: { row: 2, column: "prompt" } });
    expect(error.message).toContain('[\\"t2');
  });

  it("a JSON-list prompt of numbers (stored as \"1\"), in CSV and JSONL", async () => {
    const input = await csv("numbers.csv", [HEADER, 'strong,weak,"[""t1""]",1,0,0', 'strong,weak,"[1,2]",0,1,0']);
    expect(await failure({ input })).toMatchObject({ code: DATA_ERROR_CODES.promptNotString, location: { row: 2 } });
    const jsonl = await writeJsonLines(join(folder.path, "numbers.jsonl"), [good({ prompt: ["t1"] }), good({ prompt: ["t2", 3] }), good({ prompt: "t3" })]);
    expect(await failure({ input: jsonl, promptTurns: "all" })).toMatchObject({ code: DATA_ERROR_CODES.promptNotString, location: { row: 2 } });
  });
});

describe("the file system says what is wrong", () => {
  it("an input without read permission: core/permission-denied (was data/corrupt-file ... re-export it)", async () => {
    const input = await writeCsv(join(folder.path, "secret.csv"), [good(), good({ prompt: "b", winner_model_a: 0, winner_model_b: 1 })]);
    await chmod(folder.path, 0o755);
    await chmod(input, 0o000);
    const error = await asUnprivilegedUser(() => failure({ input, runDirectory: join(folder.path, "run") }).catch((thrown: unknown) => thrown));
    expect(error).toMatchObject({ code: CORE_ERROR_CODES.permissionDenied, location: { file: input } });
    expect((error as Error).message).toMatch(/permission denied/);
  });

  it("a symlink loop: core/symlink-loop (was data/missing-file)", async () => {
    const input = join(folder.path, "a.csv");
    await symlink(join(folder.path, "b.csv"), input);
    await symlink(input, join(folder.path, "b.csv"));
    expect(await failure({ input })).toMatchObject({ code: CORE_ERROR_CODES.symlinkLoop, location: { file: input } });
  });

  it("a run folder whose parent is not writable: core/not-writable (was EACCES, exit 2)", async () => {
    const input = await writeCsv(join(folder.path, "battles.csv"), [good(), good({ prompt: "b", winner_model_a: 0, winner_model_b: 1 })]);
    const error = await withoutWritePermission(folder.path, (readOnly) => failure({ input, runDirectory: join(readOnly, "run") }).catch((thrown: unknown) => thrown));
    expect(error).toMatchObject({ code: CORE_ERROR_CODES.notWritable, location: { file: expect.stringContaining("read-only") } });
  });

  it("a run folder that is an existing file: core/not-a-directory (was ENOTDIR, exit 2)", async () => {
    const input = await writeCsv(join(folder.path, "battles.csv"), [good(), good({ prompt: "b", winner_model_a: 0, winner_model_b: 1 })]);
    await writeFile(run, "a file");
    expect(await failure({ input })).toMatchObject({ code: CORE_ERROR_CODES.notADirectory });
  });

  it("a full disk while writing the dataset: core/disk-full, and nothing is left on the disk (a small tmpfs; needs root)", async (context) => {
    const disk = await mountSmallDisk({ sizeBytes: 256 * 1024 });
    if (!disk) return context.skip();
    try {
      const body = Array.from({ length: 20_000 }, (_, index) => `strong,weak,${randomBytes(48).toString("hex")},${index % 2},${1 - (index % 2)},0`);
      const input = await csv("big.csv", [HEADER, ...body]);
      const error = await failure({ input, runDirectory: join(disk.path, "run") });
      expect(error).toMatchObject({ code: CORE_ERROR_CODES.diskFull, location: { file: join(disk.path, "run", "dataset") } });
      expect(await listTree(disk.path)).toEqual([]);
    } finally {
      await disk.unmount();
    }
  });
});

describe("left behind by kill -9", () => {
  it("the next prepare removes the .dataset.<pid>.<hex>.tmp folder of a killed one", async () => {
    const child = spawn(process.execPath, ["-e", ""]);
    await new Promise((resolve) => child.on("exit", resolve));
    const stale = `.dataset.${child.pid}.0badcafe.tmp`;
    await mkdir(join(run, stale, "raw"), { recursive: true });
    await writeFile(join(run, stale, "raw", "train.parquet"), randomBytes(1024));
    const input = await writeCsv(join(folder.path, "battles.csv"), [good(), good({ prompt: "b", winner_model_a: 0, winner_model_b: 1 })]);
    await prepareDataset({ input, runDirectory: run });
    expect((await readdir(run)).sort()).toEqual(["dataset"]);
  });
});
