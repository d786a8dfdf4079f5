import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SeededRandom } from "@muffler/core";
import { evaluateRouting, thresholdMetrics, writeCalibrationFile, writeEvaluationFiles } from "@muffler/metrics";
import { writeSampleRun } from "@muffler/report";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { runCliInProcess as muffler } from "../test-support/run-cli-in-process.ts";

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "muffler-cli-report-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});


describe("muffler report", () => {
  it("writes <run>/report/index.html by default and prints its path", async () => {
    const run = join(root, "demo");
    await writeSampleRun({ runDirectory: run });
    const result = await muffler("report", "--run", run);
    expect(result.code).toBe(0);
    const path = join(run, "report", "index.html");
    expect(result.stdout).toContain(path);
    const html = await readFile(path, "utf8");
    expect(html).toContain('data-chart="benchmark-score"');
  });

  it("compares several runs into --out and reports the result as JSON", async () => {
    const first = join(root, "first");
    const second = join(root, "second");
    await writeSampleRun({ runDirectory: first, seed: 1 });
    await writeSampleRun({ runDirectory: second, seed: 2 });
    await rm(join(second, "evaluation"), { recursive: true });
    const out = join(root, "compare.html");
    const result = await muffler("report", "--run", first, "--run", second, "--out", out, "--json");
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as { outputPath: string; runs: string[]; missingSections: string[] };
    expect(json.outputPath).toBe(out);
    expect(json.runs).toEqual(["first", "second"]);
    expect(json.missingSections).toEqual([]);
    expect(await readFile(out, "utf8")).toContain('<span class="run-name">second</span>');
  });

  it("reads the evaluation files @muffler/metrics writes (the contract between the two)", async () => {
    const run = join(root, "metrics-files");
    await writeSampleRun({ runDirectory: run });
    await rm(join(run, "evaluation"), { recursive: true });
    const random = new SeededRandom(3);
    const winRates: number[] = [];
    const strongScores: number[] = [];
    const weakScores: number[] = [];
    const strongNeeded: number[] = [];
    for (let index = 0; index < 400; index++) {
      const difficulty = random.normal();
      winRates.push(1 / (1 + Math.exp(-0.4 * difficulty)));
      strongScores.push(random.next() < 0.8 - 0.1 * difficulty ? 1 : 0);
      weakScores.push(random.next() < 0.6 - 0.2 * difficulty ? 1 : 0);
      strongNeeded.push(random.next() < 0.5 + 0.2 * difficulty ? 1 : 0);
    }
    const result = evaluateRouting({ benchmark: "gsm8k", router: "mf", winRates, strongScores, weakScores });
    await writeEvaluationFiles({ runDirectory: run, result, winRates });
    await writeCalibrationFile({ runDirectory: run, calibration: { split: "test", rows: 400, thresholds: thresholdMetrics({ winRates, strongNeeded }) } });
    const report = await muffler("report", "--run", run, "--json");
    expect(report.code).toBe(0);
    const html = await readFile(join(run, "report", "index.html"), "utf8");
    for (const chart of ["benchmark-score", "pgr", "win-rate-histogram", "classification"]) expect(html).toContain(`data-chart="${chart}"`);
    expect(html).toContain(`<div class="card-figure">${result.cpt50.toFixed(1)} %</div>`);
  });

  it("exits 1 naming the file and field of a malformed file, and without --run", async () => {
    const run = join(root, "broken");
    await writeSampleRun({ runDirectory: run });
    await writeFile(join(run, "training", "history.json"), JSON.stringify({ epochs: [], bestEpoch: 0 }));
    const broken = await muffler("report", "--run", run);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain("report/malformed-file");
    expect(broken.stderr).toContain(join(run, "training", "history.json"));
    expect(broken.stderr).toContain('field "epochs"');

    const none = await muffler("report");
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("report/no-runs");
  });
});
