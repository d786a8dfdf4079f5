import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadBenchmark, type Benchmark } from "@muffler/data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crossValidate } from "./cross-validate.ts";
import { embedTexts } from "./embed-texts.ts";
import { writeSyntheticMmlu } from "@muffler/datasets";

describe("crossValidate", () => {
  let folder: string;
  let benchmark: Benchmark;
  let embedded: Awaited<ReturnType<typeof embedTexts>>;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "muffler-cv-"));
    benchmark = await loadBenchmark({ path: await writeSyntheticMmlu({ directory: join(folder, "mmlu"), perSubject: 40 }) });
    embedded = await embedTexts({ embedder: "lexical", texts: benchmark.prompts });
  });
  afterAll(async () => rm(folder, { recursive: true, force: true }));

  it("with tuning, picks per outer fold the candidate with the best inner-CV APGR (a useless candidate loses)", async () => {
    const useful = { training: { epochs: 30, learningRate: 0.01, hidden: 8 } };
    const useless = { training: { epochs: 1, learningRate: 1e-9, hidden: 8 } };
    const result = await crossValidate({
      benchmark,
      embeddings: embedded.data,
      dimension: embedded.dimension,
      k: 2,
      seed: 0,
      tune: { candidates: [useless, useful], innerK: 2 },
    });
    expect(result.reports).toHaveLength(2);
    for (const report of result.reports) {
      expect(report.candidateApgr).toHaveLength(2);
      expect(report.settings).toBe(useful);
      expect(report.candidateApgr![1]!).toBeGreaterThan(report.candidateApgr![0]!);
    }
    expect(result.winRates.every((value) => value > 0 && value < 1)).toBe(true);
    const apgrs = result.reports.map((report) => report.apgr);
    expect(result.foldApgr.mean).toBeCloseTo((apgrs[0]! + apgrs[1]!) / 2, 12);
    expect(result.foldApgr.standardDeviation).toBeCloseTo(Math.abs(apgrs[0]! - apgrs[1]!) / Math.SQRT2, 12);
  }, 60_000);
});
