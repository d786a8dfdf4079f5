import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { thresholdMetrics } from "./classification-metrics.ts";
import { evaluateRouting } from "./evaluate-routing.ts";
import { CURVE_CSV_COLUMNS, writeCalibrationFile, writeEvaluationFiles } from "./evaluation-files.ts";

const directories: string[] = [];
afterEach(async () => {
  await Promise.all(directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })));
});

describe("evaluation files", () => {
  it("writes calibration.json and evaluation/<benchmark>/{metrics.json, curve.csv, win-rates.json} in the run directory", async () => {
    const run = await mkdtemp(join(tmpdir(), "muffler-metrics-"));
    directories.push(run);
    const winRates = [0.9, 0.8, 0.3, 0.1];
    const calibrationPath = await writeCalibrationFile({
      runDirectory: run,
      calibration: { split: "test", rows: 4, thresholds: thresholdMetrics({ winRates, strongNeeded: [1, 0, 1, 0] }) },
    });
    expect(calibrationPath).toBe(join(run, "evaluation", "calibration.json"));
    const calibration = JSON.parse(await readFile(calibrationPath, "utf8"));
    expect(calibration).toMatchObject({ split: "test", rows: 4 });
    expect(calibration.thresholds).toHaveLength(11);

    const result = evaluateRouting({ benchmark: "tiny", router: "hand", winRates, strongScores: [1, 0, 0, 1], weakScores: [0, 1, 0, 0] });
    const folder = await writeEvaluationFiles({ runDirectory: run, result, winRates });
    expect(folder).toBe(join(run, "evaluation", "tiny"));
    expect((await readdir(folder)).sort()).toEqual(["curve.csv", "metrics.json", "win-rates.json"]);
    const metrics = JSON.parse(await readFile(join(folder, "metrics.json"), "utf8"));
    expect(metrics.apgr).toBeCloseTo(result.apgr, 12);
    expect(JSON.parse(await readFile(join(folder, "win-rates.json"), "utf8"))).toEqual(winRates);
    const csv = (await readFile(join(folder, "curve.csv"), "utf8")).trim().split("\n");
    expect(csv[0]).toBe(CURVE_CSV_COLUMNS.join(","));
    expect(csv).toHaveLength(1 + result.curve.length);
    expect(csv[csv.length - 1]!.split(",").slice(2, 5).map(Number)).toEqual([100, 0.5, 1]);
  });
});
