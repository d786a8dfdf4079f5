import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRun } from "./internal/read-run.ts";
import { writeSampleRun } from "./sample-run.ts";

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "muffler-sample-run-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("writeSampleRun", () => {
  it("writes a run the report reads: 2 models, 10 epochs, 11 thresholds, MMLU and GSM8K with thousands of win rates", async () => {
    const directory = join(root, "run");
    await writeSampleRun({ runDirectory: directory });
    const run = await readRun({ runDirectory: directory });
    if (run.dataset.status !== "ok" || run.history.status !== "ok" || run.calibration.status !== "ok") throw new Error("sample run incomplete");
    expect(run.dataset.value.models).toHaveLength(2);
    expect(run.history.value.epochs).toHaveLength(10);
    expect(run.calibration.value.thresholds.map((row) => row.strongPercent)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    const winRates = run.benchmarks.map((benchmark) => (benchmark.winRates.status === "ok" ? benchmark.winRates.value.length : 0));
    expect(winRates.reduce((sum, count) => sum + count, 0)).toBeGreaterThan(3000);
  });

  it("is reproducible with a seed, and a better router quality gives a higher APGR", async () => {
    const first = join(root, "first");
    const again = join(root, "again");
    const better = join(root, "better");
    await writeSampleRun({ runDirectory: first, seed: 7, routerQuality: 0.3 });
    await writeSampleRun({ runDirectory: again, seed: 7, routerQuality: 0.3 });
    await writeSampleRun({ runDirectory: better, seed: 7, routerQuality: 0.9 });
    const metrics = async (directory: string) => JSON.parse(await readFile(join(directory, "evaluation", "mmlu", "metrics.json"), "utf8")) as { apgr: number };
    expect(await metrics(again)).toEqual(await metrics(first));
    expect((await metrics(better)).apgr).toBeGreaterThan((await metrics(first)).apgr);
  });
});
