import { execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SeededRandom, writeSafetensors } from "@muffler/core";
import { describe, expect, it } from "vitest";
import { MODEL_ERROR_CODES } from "./errors.ts";
import { tinyParameters } from "./internal/tiny-example.ts";
import { initializeParameters } from "./mf-parameters.ts";
import { parametersToTensors } from "./mf-weights.ts";
import { MFRB } from "./mfrb.ts";

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe("MFRB", () => {
  it("gives the hand-computed logits and win rate of a tiny router", () => {
    const router = new MFRB(tinyParameters());
    const q = new Float32Array([1, 2, 3]);
    expect(router.logit(0, q)).toBeCloseTo(9.2, 5);
    expect(router.logit(1, q)).toBeCloseTo(14, 5);
    expect(router.winRate(0, 1, q)).toBeCloseTo(sigmoid(-4.8), 7);
    expect(router.winRate(1, 0, q)).toBeCloseTo(sigmoid(4.8), 7);
    expect(Array.from(router.foldedVector(0))).toEqual([expect.closeTo(1.2, 6), expect.closeTo(-0.8, 6), expect.closeTo(3.2, 6)]);
  });

  it("batches win rates over rows exactly as one at a time", () => {
    const parameters = initializeParameters({ models: ["a", "b", "c"], hidden: 16, dimension: 8, seed: 3 });
    const router = new MFRB(parameters);
    const random = new SeededRandom(5);
    const rows = Float32Array.from({ length: 5 * 8 }, () => random.normal());
    const batched = router.winRates(2, 0, rows);
    for (let i = 0; i < 5; i++) expect(batched[i]).toBeCloseTo(router.winRate(2, 0, rows.subarray(i * 8, (i + 1) * 8)), 12);
  });

  it("is deterministic without noise and jitters only when noise is asked for", () => {
    const parameters = initializeParameters({ models: ["a", "b"], hidden: 8, dimension: 4, seed: 1 });
    const q = new Float32Array([0.5, -0.5, 0.5, 0.5]);
    const plain = new MFRB(parameters);
    expect(plain.winRate(0, 1, q)).toBe(plain.winRate(0, 1, q));
    const noisy = new MFRB(parameters, { noise: 0.5, seed: 2 });
    expect(noisy.winRate(0, 1, q)).not.toBe(noisy.winRate(0, 1, q));
  });

  it("rejects unknown model ids and prompts of the wrong dimension", () => {
    const router = new MFRB(tinyParameters());
    expect(() => router.winRate(0, 2, new Float32Array(3))).toThrow(expect.objectContaining({ code: MODEL_ERROR_CODES.unknownModel }));
    expect(() => router.logit(0, new Float32Array(4))).toThrow(expect.objectContaining({ code: MODEL_ERROR_CODES.dimensionMismatch }));
    expect(() => router.winRates(0, 1, new Float32Array(4))).toThrow(expect.objectContaining({ code: MODEL_ERROR_CODES.dimensionMismatch }));
    expect(router.modelId("weak")).toBe(1);
    expect(() => router.modelId("gpt-5")).toThrow(/strong, weak/);
  });
});

const python = "/usr/bin/python3";
const hasTorch = spawnSync(python, ["-c", "import torch"], { stdio: "ignore" }).status === 0;
if (!hasTorch) console.warn("[model] skipped the PyTorch cross-check of MFRB: /usr/bin/python3 cannot import torch (apt-get install python3-torch).");

describe.skipIf(!hasTorch)("MFRB against the seed's formula in PyTorch", () => {
  it("gives the same win rates as nn.Embedding + F.normalize + nn.Linear for random weights and prompts", async () => {
    const directory = await mkdtemp(join(tmpdir(), "muffler-mfrb-"));
    try {
      const parameters = initializeParameters({ models: ["m0", "m1", "m2", "m3"], hidden: 32, dimension: 24, seed: 11 });
      const random = new SeededRandom(12);
      const queries = Float32Array.from({ length: 20 * 24 }, () => random.normal() * 0.2);
      const path = join(directory, "fixture.safetensors");
      await writeSafetensors(path, { ...parametersToTensors(parameters), queries: { shape: [20, 24], data: queries } });
      const script = join(dirname(fileURLToPath(import.meta.url)), "__fixtures__", "mfrb_reference.py");
      const expected = JSON.parse(execFileSync(python, [script, path, "3", "1"], { encoding: "utf8" })) as number[];
      const actual = new MFRB(parameters).winRates(3, 1, queries);
      expect(expected).toHaveLength(20);
      for (let i = 0; i < 20; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThan(1e-6);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }, 60_000);
});
