import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReport } from "./build-report.ts";

const point = (costPer1k: number, quality: number, lambda: number, arenaScore: number) => ({ costPer1k, quality, lambda, arenaScore });
const FRONTIER = {
  benchmark: "tiny-priced",
  router: "cv3(lexical)",
  rows: 90,
  models: ["big", "mid", "small"],
  arenaScore: 0.81,
  best: point(2.1, 0.9, 10, 0.81),
  frontier: [point(7.6, 0.95, 0, 0.79), point(2.1, 0.9, 10, 0.81), point(0.08, 0.35, 1e6, 0.37)],
  singleModels: [
    { model: "big", costPer1k: 7.6, quality: 0.95, arenaScore: 0.797 },
    { model: "mid", costPer1k: 0.75, quality: 0.62, arenaScore: 0.607 },
    { model: "small", costPer1k: 0.08, quality: 0.35, arenaScore: 0.367 },
  ],
  oracle: { arenaScore: 0.86, best: point(2.8, 0.97, 10, 0.86), frontier: [point(2.8, 0.97, 10, 0.86)] },
  random: { costPer1k: 2.8, quality: 0.64, arenaScore: 0.6 },
  mixingHull: [
    { costPer1k: 0.08, quality: 0.35 },
    { costPer1k: 7.6, quality: 0.95 },
  ],
  areaAboveMixingHull: 0.07,
  halfCost: { costPer1k: 3.8, routerShare: 0.93, hullShare: 0.8 },
  shares: [
    { model: "big", percent: 30 },
    { model: "mid", percent: 70 },
    { model: "small", percent: 0 },
  ],
};

describe("the report's priced-candidates section", () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "muffler-report-frontier-"));
    await mkdir(join(folder, "priced", "evaluation", "tiny-priced"), { recursive: true });
    await writeFile(join(folder, "priced", "evaluation", "tiny-priced", "frontier.json"), JSON.stringify(FRONTIER));
    await mkdir(join(folder, "empty"), { recursive: true });
  });
  afterAll(async () => rm(folder, { recursive: true, force: true }));

  it("draws the frontier chart (router, oracle, random mixing, single models) with the table and each candidate's share", async () => {
    const { html } = await buildReport({ runDirectories: [join(folder, "priced")] });
    expect(html).toContain("Routing among priced candidates");
    expect(html).toContain('data-chart="cost-quality-frontier"');
    const chart = html.slice(html.indexOf('data-chart="cost-quality-frontier"'));
    for (const text of ["Muffler router", "oracle", "random mixing", "big", "mid", "small"]) expect(chart).toContain(text);
    expect(html).toContain("70.0 %");
    expect(html).toContain("0.8100"); // the router's best RouterArena score in the table
  }, 60_000);

  it("is absent for a run without a priced evaluation, and a malformed frontier.json is an error naming the file", async () => {
    const { html } = await buildReport({ runDirectories: [join(folder, "empty")] });
    expect(html).not.toContain("Routing among priced candidates");
    await mkdir(join(folder, "bad", "evaluation", "x"), { recursive: true });
    await writeFile(join(folder, "bad", "evaluation", "x", "frontier.json"), JSON.stringify({ ...FRONTIER, frontier: "nope" }));
    await expect(buildReport({ runDirectories: [join(folder, "bad")] })).rejects.toThrow(/frontier\.json/);
  });
});
