import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticMmlu } from "@muffler/datasets";
import { runCliInProcess } from "../test-support/run-cli-in-process.ts";

const cli = runCliInProcess;

// Fast training for 80-prompt folds: a higher learning rate and more epochs than the defaults.
const FAST = ["--embedder", "lexical", "--epochs", "40", "--learning-rate", "0.01", "--hidden", "16"];

describe("muffler evaluate (gold-label cross-validation and transfer on a tiny synthetic benchmark)", () => {
  let folder: string;
  let mmlu: string;
  let other: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "muffler-evaluate-cli-"));
    mmlu = await writeSyntheticMmlu({ directory: join(folder, "mmlu") });
    other = await writeSyntheticMmlu({ directory: join(folder, "other"), seed: 5, perSubject: 30 });
  });
  afterAll(async () => rm(folder, { recursive: true, force: true }));

  it("--cv 3 learns which prompts need the strong model, beats random, stays under the oracle, and writes the files", async () => {
    const out = join(folder, "cv-out");
    const { code, stdout } = await cli("evaluate", "--benchmark", mmlu, "--cv", "3", "--seed", "0", ...FAST, "--cache", join(folder, "cache"), "--out", out, "--json");
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ benchmark: "mmlu", router: "cv3(lexical)", rows: 120 });
    for (const key of ["apgr", "auc", "cpt20", "cpt50", "cpt80"]) expect(typeof result[key]).toBe("number");
    expect(result.random.apgr).toBeCloseTo(0.5, 9);
    expect(result.apgr).toBeGreaterThan(0.65);
    expect(result.apgr).toBeLessThanOrEqual(result.oracle.apgr);
    expect(result.cpt50).toBeLessThan(result.random.cpt50);
    expect(result.folds).toHaveLength(3);
    expect(result.folds.reduce((sum: number, fold: { testRows: number }) => sum + fold.testRows, 0)).toBe(120);
    const files = join(out, "evaluation", "mmlu");
    expect((await readdir(files)).sort()).toEqual(["curve.csv", "metrics.json", "win-rates.json"]);
    expect(JSON.parse(await readFile(join(files, "win-rates.json"), "utf8"))).toHaveLength(120);
    expect(JSON.parse(await readFile(join(files, "metrics.json"), "utf8")).apgr).toBeCloseTo(result.apgr, 12);
  }, 120_000);

  it("gives the same figures for the same seed (the embeddings come from the cache the second time)", async () => {
    const args = ["evaluate", "--benchmark", mmlu, "--cv", "2", "--seed", "3", ...FAST, "--epochs", "5", "--cache", join(folder, "cache"), "--out", join(folder, "again"), "--json"];
    const first = JSON.parse((await cli(...args)).stdout);
    const second = JSON.parse((await cli(...args)).stdout);
    expect(second.apgr).toBe(first.apgr);
    expect(second.curve).toEqual(first.curve);
  }, 120_000);

  it("--train-on trains on one benchmark and evaluates on another, printing a table", async () => {
    const { code, stdout } = await cli("evaluate", "--benchmark", other, "--train-on", mmlu, ...FAST, "--cache", join(folder, "cache"), "--out", join(folder, "transfer"));
    expect(code).toBe(0);
    expect(stdout).toMatch(/mmlu->other\(lexical\)/);
    expect(stdout).toMatch(/random \(expectation\)\s+0\.5000/);
    expect(stdout).toMatch(/oracle/);
    const metrics = JSON.parse(await readFile(join(folder, "transfer", "evaluation", "other", "metrics.json"), "utf8"));
    expect(metrics.rows).toBe(60);
    expect(metrics.apgr).toBeGreaterThan(0.6); // same kinds of questions: the router transfers
  }, 120_000);

  it("exits 1 with stable codes for nothing to evaluate, bad flags, and a missing benchmark", async () => {
    const nothing = await cli("evaluate", "--benchmark", mmlu, "--json");
    expect(nothing.code).toBe(1);
    expect(JSON.parse(nothing.stdout).error.code).toBe("evaluation/bad-option");
    const folds = await cli("evaluate", "--benchmark", mmlu, "--cv", "one", "--json");
    expect(JSON.parse(folds.stdout).error).toMatchObject({ code: "evaluation/bad-option", location: { field: "--cv" } });
    const ties = await cli("evaluate", "--benchmark", mmlu, "--cv", "2", "--ties", "coin", "--json");
    expect(JSON.parse(ties.stdout).error).toMatchObject({ code: "evaluation/bad-option", location: { field: "--ties" } });
    const decay = await cli("evaluate", "--benchmark", mmlu, "--cv", "2", "--weight-decay-mode", "adamw", "--json");
    expect(JSON.parse(decay.stdout).error).toMatchObject({ code: "evaluation/bad-option", location: { field: "--weight-decay-mode" } });
    const both = await cli("evaluate", "--benchmark", mmlu, "--cv", "2", "--train-on", other, "--json");
    expect(JSON.parse(both.stdout).error.location.field).toBe("--train-on");
    const missing = await cli("evaluate", "--benchmark", join(folder, "nope"), "--cv", "2", "--json");
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).error.code).toBe("data/missing-file");
  }, 60_000);
});

describe("muffler calibrate and evaluate --run (a trained run)", () => {
  let folder: string;
  let run: string;
  let mmlu: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "muffler-calibrate-cli-"));
    mmlu = await writeSyntheticMmlu({ directory: join(folder, "mmlu") });
    run = join(folder, "run");
    expect((await cli("prepare", "--benchmark", mmlu, "--run", run, "--json")).code).toBe(0);
    expect((await cli("embed", "--run", run, "--embedder", "lexical", "--json")).code).toBe(0);
    expect((await cli("train", "--run", run, "--epochs", "30", "--hidden", "16", "--learning-rate", "0.01", "--json")).code).toBe(0);
  }, 120_000);
  afterAll(async () => rm(folder, { recursive: true, force: true }));

  it("stores thresholds for the target strong percents in router.json and writes calibration.json", async () => {
    const { code, stdout } = await cli("calibrate", "--run", run, "--strong-percents", "20,50,80", "--json");
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.calibratedOn).toBe("test");
    const manifest = JSON.parse(await readFile(join(run, "router", "router.json"), "utf8"));
    expect(manifest.thresholds.map((entry: { strongPercent: number }) => entry.strongPercent)).toEqual([20, 50, 80]);
    expect(manifest.thresholds[0].threshold).toBeGreaterThanOrEqual(manifest.thresholds[2].threshold);
    expect(manifest.thresholds[0].calibratedOn).toBe("test");
    const calibration = JSON.parse(await readFile(join(run, "evaluation", "calibration.json"), "utf8"));
    expect(calibration.split).toBe("test");
    expect(calibration.rocAuc === null || (calibration.rocAuc >= 0 && calibration.rocAuc <= 1)).toBe(true);
    expect(calibration.thresholds).toHaveLength(3);
    const [entry] = calibration.thresholds;
    const { truePositive, falsePositive, trueNegative, falseNegative } = entry.confusion;
    expect(truePositive + falsePositive + trueNegative + falseNegative).toBe(calibration.rows);
    expect(entry.accuracy).toBeCloseTo((truePositive + trueNegative) / calibration.rows, 12);
  }, 60_000);

  it("calibrates on a prompts file standing for traffic", async () => {
    const prompts = join(folder, "traffic.txt");
    await writeFile(prompts, ["Solve for x: 3x + 1 = 10. Compute the polynomial root.", "In which century did the treaty end the war?", "Hello"].join("\n"));
    const { code, stdout } = await cli("calibrate", "--run", run, "--prompts", prompts, "--strong-percents", "50", "--json");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ calibratedOn: prompts, calibrationRows: 3 });
    const manifest = JSON.parse(await readFile(join(run, "router", "router.json"), "utf8"));
    expect(manifest.thresholds).toEqual([expect.objectContaining({ strongPercent: 50, calibratedOn: prompts })]);
    const empty = join(folder, "empty.txt");
    await writeFile(empty, "\n\n");
    expect(JSON.parse((await cli("calibrate", "--run", run, "--prompts", empty, "--json")).stdout).error.code).toBe("evaluation/bad-prompts-file");
  }, 60_000);

  it("evaluate --run routes the benchmark with the trained router and writes the files into the run", async () => {
    const { code, stdout } = await cli("evaluate", "--benchmark", mmlu, "--run", run, "--run", run, "--json");
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.routers).toHaveLength(2);
    expect(result.routers[0]).toMatchObject({ benchmark: "mmlu", router: "run", rows: 120 });
    expect(result.routers[0].apgr).toBeGreaterThan(0.6);
    expect((await readdir(join(run, "evaluation", "mmlu"))).sort()).toEqual(["curve.csv", "metrics.json", "win-rates.json"]);
  }, 60_000);
});
