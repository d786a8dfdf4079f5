import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Router } from "@muffler/router";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticPriced } from "@muffler/datasets";
import { runCliInProcess } from "../test-support/run-cli-in-process.ts";

const cli = runCliInProcess;

const FAST = ["--embedder", "lexical", "--epochs", "40", "--learning-rate", "0.01", "--hidden", "16"];

describe("muffler evaluate on a priced multi-model folder (synthetic: big / mid / small)", () => {
  let folder: string;
  let priced: string;
  let other: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "muffler-evaluate-priced-"));
    priced = await writeSyntheticPriced(join(folder, "priced"));
    other = await writeSyntheticPriced(join(folder, "other"), { seed: 4, perSubject: 20 });
  });
  afterAll(async () => rm(folder, { recursive: true, force: true }));

  it("--cv 3: the frontier beats every single model's RouterArena score and the mixing hull, stays under the oracle", async () => {
    const out = join(folder, "cv");
    const { code, stdout } = await cli("evaluate", "--benchmark", priced, "--cv", "3", "--seed", "0", ...FAST, "--cache", join(folder, "cache"), "--out", out, "--json");
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ benchmark: "priced", router: "cv3(lexical)", rows: 90, models: ["big", "mid", "small"] });
    expect(result.singleModels.map((model: { model: string }) => model.model)).toEqual(["big", "mid", "small"]);
    const bestSingle = Math.max(...result.singleModels.map((model: { arenaScore: number }) => model.arenaScore));
    expect(result.arenaScore).toBeGreaterThan(bestSingle);
    expect(result.arenaScore).toBeLessThanOrEqual(result.oracle.arenaScore + 1e-12);
    expect(result.areaAboveMixingHull).toBeGreaterThan(0);
    expect(result.halfCost.routerShare).toBeGreaterThan(result.halfCost.hullShare);
    for (const point of result.frontier) expect(Object.keys(point).sort()).toEqual(["arenaScore", "costPer1k", "lambda", "quality"]);
    expect(result.frontier[0].lambda).toBe(0);
    expect(result.parts).toHaveLength(3);
    expect(result.shares.reduce((sum: number, share: { percent: number }) => sum + share.percent, 0)).toBeCloseTo(100, 9);
    const files = join(out, "evaluation", "priced");
    expect((await readdir(files)).sort()).toEqual(["frontier.csv", "frontier.json"]);
    expect(JSON.parse(await readFile(join(files, "frontier.json"), "utf8")).arenaScore).toBeCloseTo(result.arenaScore, 12);
  }, 120_000);

  it("--train-on another priced folder evaluates every row of --benchmark with the common models", async () => {
    const { code, stdout } = await cli("evaluate", "--benchmark", other, "--train-on", priced, ...FAST, "--cache", join(folder, "cache"), "--out", join(folder, "transfer"), "--json");
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ benchmark: "other", router: "priced->other(lexical)", rows: 60 });
    expect(result.parts).toHaveLength(1);
    expect(result.areaAboveMixingHull).toBeGreaterThan(0);
    expect(result.halfCost.routerShare).toBeGreaterThan(result.halfCost.hullShare);
  }, 120_000);

  it("--save-router saves a servable bundle whose Router routes by policy among the priced candidates", async () => {
    const directory = join(folder, "bundle");
    const { code } = await cli("evaluate", "--benchmark", other, "--train-on", priced, ...FAST, "--cache", join(folder, "cache"), "--out", join(folder, "transfer2"), "--save-router", directory, "--json");
    expect(code).toBe(0);
    const manifest = JSON.parse(await readFile(join(directory, "router.json"), "utf8"));
    expect(manifest.candidates.map((candidate: { model: string }) => candidate.model)).toEqual(["big", "mid", "small"]);
    expect(manifest).toMatchObject({ strongModel: "big", weakModel: "small" });
    const router = await Router.load({ directory });
    try {
      const hard = await router.route("Solve for x: 5x + 7 = 40. Compute the polynomial root and simplify the equation.", { policy: { kind: "tradeoff", lambda: 0 } });
      expect(hard.model).toBe("big");
      expect(hard.candidates).toHaveLength(3);
      const easy = await router.route("Write a short happy poem about flowers, sunshine and a garden in spring, number 99.", { policy: { kind: "tradeoff", lambda: 200 } });
      expect(easy.model).not.toBe("big");
      expect(easy.candidates.find((candidate) => candidate.model === "big")!.costUsd).toBeGreaterThan(easy.candidates.find((candidate) => candidate.model === "small")!.costUsd);
    } finally {
      await router.close();
    }
  }, 120_000);

  it("a two-model tie policy, or neither --cv nor --train-on, is a usage error (exit 1)", async () => {
    const weakWins = await cli("evaluate", "--benchmark", priced, "--cv", "3", "--ties", "weak-wins", "--json");
    expect(weakWins.code).toBe(1);
    expect(weakWins.stdout).toContain("evaluation/bad-option");
    const nothing = await cli("evaluate", "--benchmark", priced, "--json");
    expect(nothing.code).toBe(1);
  });
});
