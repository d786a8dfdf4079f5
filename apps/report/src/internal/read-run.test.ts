import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMufflerError, type MufflerError } from "@muffler/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPORT_ERROR_CODES } from "../errors.ts";
import { writeSampleRun } from "../sample-run.ts";
import { readRun } from "./read-run.ts";

let root: string;
let complete: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "muffler-report-read-"));
  complete = join(root, "complete");
  await writeSampleRun({ runDirectory: complete });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the edits reach into arbitrary JSON
type Json = any;

/** A copy of the complete run with one file's JSON changed by `edit` (or replaced by raw text). */
async function runWith(file: string, edit: ((json: Json) => unknown) | string): Promise<string> {
  const directory = await mkdtemp(join(root, "edited-"));
  await writeSampleRun({ runDirectory: directory });
  const path = join(directory, file);
  const text = typeof edit === "string" ? edit : JSON.stringify(edit(JSON.parse(await readFile(path, "utf8"))));
  await writeFile(path, text);
  return directory;
}

async function errorOf(promise: Promise<unknown>): Promise<MufflerError<string>> {
  try {
    await promise;
  } catch (error) {
    if (isMufflerError(error)) return error;
    throw error;
  }
  throw new Error("expected a MufflerError, but the call succeeded");
}

describe("readRun", () => {
  it("reads every file of a complete run", async () => {
    const run = await readRun({ runDirectory: complete });
    expect(run.name).toBe("complete");
    expect(run.dataset.status).toBe("ok");
    expect(run.history.status === "ok" && run.history.value.epochs).toHaveLength(10);
    expect(run.router.status).toBe("ok");
    expect(run.calibration.status === "ok" && run.calibration.value.thresholds).toHaveLength(11);
    expect(run.benchmarks.map((benchmark) => benchmark.directory)).toEqual(["gsm8k", "mmlu"]);
    const mmlu = run.benchmarks[1]!;
    expect(mmlu.winRates.status === "ok" && mmlu.winRates.value).toHaveLength(2000);
  });

  it("marks every file of an empty run directory as missing, without failing", async () => {
    const directory = await mkdtemp(join(root, "empty-"));
    const run = await readRun({ runDirectory: directory });
    expect([run.dataset.status, run.history.status, run.router.status, run.calibration.status]).toEqual(["missing", "missing", "missing", "missing"]);
    expect(run.benchmarks).toEqual([]);
  });

  it("reads the calibration.json that calibrate writes when the test split has no strong-vs-weak battle (empty thresholds)", async () => {
    // What runCalibrate writes in that case: no battle to measure the classification on, so no rows and no thresholds.
    const directory = await runWith("evaluation/calibration.json", () => ({ split: "test", rows: 0, calibratedOn: "test", thresholds: [] }));
    const run = await readRun({ runDirectory: directory });
    expect(run.calibration.status === "ok" && run.calibration.value.thresholds).toEqual([]);
  });

  it("fails with report/run-not-found for a directory that does not exist", async () => {
    const error = await errorOf(readRun({ runDirectory: join(root, "no-such-run") }));
    expect(error.code).toBe(REPORT_ERROR_CODES.runNotFound);
    expect(error.message).toContain("no-such-run");
  });

  it.each([
    ["dataset/manifest.json", (json: Json) => ({ ...json, rows: { ...json.rows, train: "many" } }), "rows.train"],
    ["training/history.json", (json: Json) => ({ ...json, epochs: [{ ...json.epochs[0], trainLoss: "low" }] }), "epochs.0.trainLoss"],
    ["router/router.json", (json: Json) => ({ ...json, hidden: -1 }), "hidden"],
    ["evaluation/calibration.json", (json: Json) => ({ ...json, thresholds: [{ ...json.thresholds[0], precisionStrong: 1.5 }] }), "thresholds.0.precisionStrong"],
    ["evaluation/mmlu/metrics.json", (json: Json) => ({ ...json, curve: [] }), "curve"],
    ["evaluation/gsm8k/metrics.json", (json: Json) => ({ ...json, random: { ...json.random, apgr: undefined } }), "random.apgr"],
    ["evaluation/mmlu/win-rates.json", () => [0.5, "high", 0.2], "1"],
  ])("a malformed %s fails with report/malformed-file naming the file and the field", async (file, edit, field) => {
    const directory = await runWith(file, edit);
    const error = await errorOf(readRun({ runDirectory: directory }));
    expect(error.code).toBe(REPORT_ERROR_CODES.malformedFile);
    expect(error.location.file).toBe(join(directory, file));
    expect(error.location.field).toBe(field);
    expect(error.message).toContain(file.split("/").pop());
    expect(error.message).toContain(`field "${field}"`);
  });

  it("a file that is not JSON fails with report/malformed-file naming the file", async () => {
    const directory = await runWith("training/history.json", '{"epochs": [');
    const error = await errorOf(readRun({ runDirectory: directory }));
    expect(error.code).toBe(REPORT_ERROR_CODES.malformedFile);
    expect(error.location.file).toBe(join(directory, "training/history.json"));
    expect(error.message).toContain("not valid JSON");
  });

  it("lists a benchmark folder that has win rates but no metrics yet", async () => {
    const directory = await mkdtemp(join(root, "partial-"));
    await writeSampleRun({ runDirectory: directory });
    await rm(join(directory, "evaluation", "mmlu", "metrics.json"));
    const run = await readRun({ runDirectory: directory });
    const mmlu = run.benchmarks.find((benchmark) => benchmark.directory === "mmlu")!;
    expect(mmlu.metrics.status).toBe("missing");
    expect(mmlu.winRates.status).toBe("ok");
  });
});
