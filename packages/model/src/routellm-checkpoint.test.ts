import { execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SeededRandom, type SafetensorsTensor } from "@muffler/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MFRB } from "./mfrb.ts";
import { parametersFromRouteLLMTensors, readRouteLLMCheckpoint, ROUTELLM_DEFAULT_PAIR, ROUTELLM_MODEL_IDS } from "./routellm-checkpoint.ts";

function tensor(shape: number[], seed: number): SafetensorsTensor {
  const random = new SeededRandom(seed);
  return { dtype: "F32", shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random.normal()) } as SafetensorsTensor;
}

describe("RouteLLM's MF checkpoint", () => {
  it("lists RouteLLM's 64 models in MODEL_IDS order, with the default pair at ids 24 and 36", () => {
    expect(ROUTELLM_MODEL_IDS).toHaveLength(64);
    expect(new Set(ROUTELLM_MODEL_IDS).size).toBe(64);
    expect(ROUTELLM_MODEL_IDS[0]).toBe("RWKV-4-Raven-14B");
    expect(ROUTELLM_MODEL_IDS.indexOf(ROUTELLM_DEFAULT_PAIR.strongModel)).toBe(24);
    expect(ROUTELLM_MODEL_IDS.indexOf(ROUTELLM_DEFAULT_PAIR.weakModel)).toBe(36);
    expect(ROUTELLM_MODEL_IDS[63]).toBe("zephyr-7b-beta");
    // MODEL_IDS is in byte order (uppercase first), as Python's sorted() gives.
    expect([...ROUTELLM_MODEL_IDS].sort()).toEqual([...ROUTELLM_MODEL_IDS]);
  });

  it("maps text_proj to W and classifier to c, under both spellings", () => {
    const P = tensor([64, 4], 1);
    const W = tensor([4, 6], 2);
    const c = tensor([1, 4], 3);
    const published = parametersFromRouteLLMTensors({ "P.weight": P, "text_proj.0.weight": W, "classifier.0.weight": c });
    const plain = parametersFromRouteLLMTensors({ "P.weight": P, "text_proj.weight": W, "classifier.weight": c });
    for (const parameters of [published, plain]) {
      expect(parameters).toMatchObject({ hidden: 4, dimension: 6, models: [...ROUTELLM_MODEL_IDS] });
      expect(parameters.W).toBe(W.data);
      expect(parameters.c).toBe(c.data);
      expect(parameters.P).toBe(P.data);
    }
  });

  it("refuses what is not RouteLLM's MF: a missing tensor, a bias, the wrong number of models, several classes", () => {
    const P = tensor([64, 4], 1);
    const W = tensor([4, 6], 2);
    const c = tensor([1, 4], 3);
    const code = (tensors: Record<string, SafetensorsTensor>) => {
      try {
        parametersFromRouteLLMTensors(tensors, { file: "model.safetensors" });
      } catch (error) {
        return `${(error as { code: string }).code} ${(error as { location: { field?: string } }).location.field}`;
      }
      return "accepted";
    };
    expect(code({ "P.weight": P, "classifier.0.weight": c })).toBe("model/bad-shape text_proj.0.weight");
    expect(code({ "P.weight": P, "text_proj.0.weight": W, "text_proj.0.bias": tensor([4], 4), "classifier.0.weight": c })).toBe("model/bad-shape text_proj.0.bias");
    expect(code({ "P.weight": tensor([63, 4], 1), "text_proj.0.weight": W, "classifier.0.weight": c })).toBe("model/bad-shape P.weight");
    expect(code({ "P.weight": P, "text_proj.0.weight": W, "classifier.0.weight": tensor([2, 4], 5) })).toBe("model/bad-shape classifier.0.weight");
    expect(code({ "P.weight": P, "text_proj.0.weight": tensor([5, 6], 2), "classifier.0.weight": c })).toBe("model/bad-shape downproj_QtoP.weight");
  });

  it("says a missing or damaged file is model/bad-weights", async () => {
    await expect(readRouteLLMCheckpoint("/nonexistent/model.safetensors")).rejects.toMatchObject({ code: "model/bad-weights", location: { file: "/nonexistent/model.safetensors" } });
  });
});

const python = "/usr/bin/python3";
const hasTorch = spawnSync(python, ["-c", "import torch"], { stdio: "ignore" }).status === 0;
if (!hasTorch) console.warn("[model] skipped the PyTorch cross-check of the RouteLLM import: /usr/bin/python3 cannot import torch (apt-get install python3-torch).");

describe.skipIf(!hasTorch)("RouteLLM's MFModel in PyTorch against the imported parameters", () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "muffler-routellm-"));
  });
  afterAll(async () => rm(directory, { recursive: true, force: true }));

  it.each(["sequential", "plain"])("gives pred_win_rate's win rates to 1e-6 (%s layers)", async (layout) => {
    const script = join(dirname(fileURLToPath(import.meta.url)), "__fixtures__", "routellm_mf_checkpoint.py");
    const weights = join(directory, `${layout}.safetensors`);
    const strong = ROUTELLM_MODEL_IDS.indexOf(ROUTELLM_DEFAULT_PAIR.strongModel);
    const weak = ROUTELLM_MODEL_IDS.indexOf(ROUTELLM_DEFAULT_PAIR.weakModel);
    const output = execFileSync(python, [script, weights, layout, "16", layout === "plain" ? "2" : "1", String(strong), String(weak)], { encoding: "utf8", maxBuffer: 64 << 20 });
    const reference = JSON.parse(output) as { names: string[]; prompts: number[][]; winRates: number[] };
    expect(reference.names).toEqual(layout === "plain" ? ["P.weight", "text_proj.weight", "classifier.weight"] : ["P.weight", "text_proj.0.weight", "classifier.0.weight"]);
    const parameters = await readRouteLLMCheckpoint(weights);
    expect(parameters).toMatchObject({ hidden: 128, dimension: 1536 });
    const model = new MFRB(parameters);
    const rates = reference.prompts.map((prompt) => model.winRate(model.modelId(ROUTELLM_DEFAULT_PAIR.strongModel), model.modelId(ROUTELLM_DEFAULT_PAIR.weakModel), Float32Array.from(prompt)));
    expect(new Set(reference.winRates.map((rate) => rate.toFixed(3))).size).toBeGreaterThan(4); // the prompts differ in win rate
    for (let index = 0; index < rates.length; index++) expect(Math.abs(rates[index]! - reference.winRates[index]!)).toBeLessThan(1e-6);
  }, 120_000);
});
