import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeSyntheticDataset, SYNTHETIC_STRONG_MODEL, SYNTHETIC_WEAK_MODEL } from "@muffler/datasets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliInProcess } from "../test-support/run-cli-in-process.ts";
import type { RunCommandResult } from "./run.ts";

describe("muffler run", () => {
  let folder: string;
  let configPath: string;
  let runDirectory: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "muffler-run-cli-"));
    const synthetic = await writeSyntheticDataset({ outDirectory: join(folder, "synthetic"), battles: 600, benchmarkPrompts: 200, seed: 3 });
    runDirectory = join(folder, "run");
    configPath = join(folder, "muffler.config.json");
    await writeFile(
      configPath,
      JSON.stringify({
        name: "tiny",
        runDirectory,
        data: { input: synthetic.battlesPath, strongModel: SYNTHETIC_STRONG_MODEL, weakModel: SYNTHETIC_WEAK_MODEL, splitRatio: 0.8 },
        embeddings: { embedder: "lexical" },
        training: { epochs: 3 },
        evaluation: { benchmarks: [synthetic.benchmarkPath] },
      }),
    );
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("runs every stage from a config file and ends with a calibrated, evaluated router and a report", async () => {
    const { code, stdout } = await runCliInProcess("run", "--config", configPath, "--json");
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as RunCommandResult;
    expect(result.stages.map((stage) => [stage.name, stage.status])).toEqual([
      ["prepare", "ran"],
      ["embed", "ran"],
      ["train", "ran"],
      ["calibrate", "ran"],
      ["evaluate", "ran"],
      ["report", "ran"],
    ]);
    const router = JSON.parse(await readFile(join(runDirectory, "router", "router.json"), "utf8")) as { thresholds: unknown[]; training: { epochs: number } };
    expect(router.thresholds).toHaveLength(11);
    expect(router.training.epochs).toBe(3);
    const metrics = JSON.parse(await readFile(join(runDirectory, "evaluation", "synthetic-benchmark", "metrics.json"), "utf8")) as {
      apgr: number;
      served: { calibratedOn: string; points: { strongPercent: number; threshold: number; strongCallPercent: number; score: number }[] };
    };
    // The synthetic benchmark is learnable from text: the router must beat the random router's 0.5.
    expect(metrics.apgr).toBeGreaterThan(0.55);
    // Served-threshold figures: one point per threshold stored in router.json, at exactly those thresholds.
    const stored = router.thresholds as { strongPercent: number; threshold: number }[];
    expect(metrics.served.calibratedOn).toBe("test");
    expect(metrics.served.points.map((point) => [point.strongPercent, point.threshold])).toEqual(stored.map((entry) => [entry.strongPercent, entry.threshold]));
    const winRates = JSON.parse(await readFile(join(runDirectory, "evaluation", "synthetic-benchmark", "win-rates.json"), "utf8")) as number[];
    for (const point of metrics.served.points) {
      expect(point.strongCallPercent).toBeCloseTo((100 * winRates.filter((rate) => rate >= point.threshold).length) / winRates.length, 9);
    }
    expect(existsSync(result.report!)).toBe(true);
    const html = await readFile(result.report!, "utf8");
    expect(html).toContain('data-table="served-thresholds"');
    expect(html).toContain("at the thresholds serving uses");
    const state = JSON.parse(await readFile(join(runDirectory, "run.json"), "utf8")) as { stages: Record<string, { inputHash: string }> };
    expect(Object.keys(state.stages)).toEqual(["prepare", "embed", "train", "calibrate", "evaluate", "report"]);
  });

  it("skips unchanged stages and reruns from the first stage whose inputs changed", async () => {
    const again = JSON.parse((await runCliInProcess("run", "--config", configPath, "--json")).stdout) as RunCommandResult;
    expect(again.stages.every((stage) => stage.status === "skipped")).toBe(true);

    const changed = JSON.parse((await runCliInProcess("run", "--config", configPath, "--epochs", "2", "--json")).stdout) as RunCommandResult;
    expect(changed.stages.map((stage) => stage.status)).toEqual(["skipped", "skipped", "ran", "ran", "ran", "ran"]);
    const router = JSON.parse(await readFile(join(runDirectory, "router", "router.json"), "utf8")) as { training: { epochs: number } };
    expect(router.training.epochs).toBe(2);
  });

  it("rejects a config with a bad field, naming the file and the field, with exit code 1", async () => {
    const bad = join(folder, "bad.config.json");
    await writeFile(bad, JSON.stringify({ data: { input: "x.csv", splitRatio: 1.5 } }));
    const { code, stdout } = await runCliInProcess("run", "--config", bad, "--json");
    expect(code).toBe(1);
    const { error } = JSON.parse(stdout) as { error: { code: string; message: string; location: { file: string; field: string } } };
    expect(error.code).toBe("cli/invalid-config");
    expect(error.location).toEqual({ file: bad, field: "data.splitRatio" });
  });

  it("names a missing config file", async () => {
    const { code, stderr } = await runCliInProcess("run", "--config", join(folder, "nope.json"));
    expect(code).toBe(1);
    expect(stderr).toContain("cli/config-not-found");
    expect(stderr).toContain("nope.json");
  });
});
