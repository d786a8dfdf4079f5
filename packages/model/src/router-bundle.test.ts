import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256File, writeSafetensors } from "@muffler/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MODEL_ERROR_CODES } from "./errors.ts";
import { tinyParameters } from "./internal/tiny-example.ts";
import { initializeParameters } from "./mf-parameters.ts";
import { MFRB } from "./mfrb.ts";
import { loadRouterBundle, saveRouterBundle } from "./router-bundle.ts";
import { writeMFParameters } from "./mf-weights.ts";
import { manifestThresholds, type RouterManifest } from "./router-manifest.ts";

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "muffler-bundle-"));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

function manifestFor(models: string[], hidden: number, dimension: number): RouterManifest {
  return {
    format: "muffler-router",
    version: 1,
    models,
    strongModel: models[0]!,
    weakModel: models[1]!,
    hidden,
    dimension,
    embedder: { id: "test-embedder", name: "test", dimension },
    training: { epochs: 10 },
    metrics: { validationLoss: 0.5 },
  };
}

describe("saveRouterBundle / loadRouterBundle", () => {
  it("round-trips parameters and manifest exactly", async () => {
    const parameters = initializeParameters({ models: ["gpt-4", "mixtral"], hidden: 8, dimension: 6, seed: 2 });
    const manifest = manifestFor(parameters.models, 8, 6);
    await saveRouterBundle(directory, { parameters, manifest });
    const loaded = await loadRouterBundle(directory, { embedderDimension: 6 });
    expect(loaded.parameters).toEqual(parameters);
    expect(loaded.manifest).toEqual({ ...manifest, weightsHash: await sha256File(join(directory, "router.safetensors")) });
  });

  it("records the weights' sha256 and stamps thresholds with it; a second save of the same weights keeps it", async () => {
    const parameters = initializeParameters({ models: ["gpt-4", "mixtral"], hidden: 8, dimension: 6, seed: 2 });
    const thresholds = [{ strongPercent: 50, threshold: 0.4, calibratedOn: "test" }];
    await saveRouterBundle(directory, { parameters, manifest: { ...manifestFor(parameters.models, 8, 6), thresholds } });
    const { manifest } = await loadRouterBundle(directory);
    expect(manifest.weightsHash).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.thresholds).toEqual([{ ...thresholds[0], weightsHash: manifest.weightsHash }]);
    expect(manifestThresholds(manifest)).toEqual({ current: manifest.thresholds, stale: [] });
    await saveRouterBundle(directory, { parameters, manifest });
    expect((await loadRouterBundle(directory)).manifest.weightsHash).toBe(manifest.weightsHash);
  });

  it("refuses new weights beside the old manifest (a crash between the two writes) with model/weights-mismatch", async () => {
    const old = initializeParameters({ models: ["gpt-4", "mixtral"], hidden: 8, dimension: 6, seed: 2 });
    await saveRouterBundle(directory, { parameters: old, manifest: { ...manifestFor(old.models, 8, 6), thresholds: [{ strongPercent: 50, threshold: 0.4, calibratedOn: "test" }] } });
    // A retrain writes its weights first; the process dies before router.json is replaced.
    const retrained = initializeParameters({ models: ["gpt-4", "mixtral"], hidden: 8, dimension: 6, seed: 3 });
    await writeMFParameters(join(directory, "router.safetensors"), retrained, { format: "pt", producer: "muffler" });
    await expect(loadRouterBundle(directory)).rejects.toMatchObject({
      code: MODEL_ERROR_CODES.weightsMismatch,
      location: { file: join(directory, "router.safetensors"), field: "weightsHash" },
    });
  });

  it("marks thresholds calibrated for other weights as stale, and keeps reading bundles written before weights hashes", async () => {
    const parameters = initializeParameters({ models: ["gpt-4", "mixtral"], hidden: 8, dimension: 6, seed: 2 });
    const otherHash = "f".repeat(64);
    await saveRouterBundle(directory, {
      parameters,
      manifest: { ...manifestFor(parameters.models, 8, 6), thresholds: [{ strongPercent: 50, threshold: 0.4, calibratedOn: "test", weightsHash: otherHash }] },
    });
    const { manifest } = await loadRouterBundle(directory);
    expect(manifestThresholds(manifest)).toEqual({ current: [], stale: [expect.objectContaining({ weightsHash: otherHash })] });
    // An old bundle: no weightsHash anywhere. It loads, and its thresholds count as current.
    const legacy = { ...manifestFor(parameters.models, 8, 6), thresholds: [{ strongPercent: 50, threshold: 0.4, calibratedOn: "test" }] };
    await writeFile(join(directory, "router.json"), JSON.stringify(legacy));
    const loaded = await loadRouterBundle(directory);
    expect(loaded.manifest.weightsHash).toBeUndefined();
    expect(manifestThresholds(loaded.manifest).current).toHaveLength(1);
  });

  it("loads a checkpoint with the seed's tensor names and gives the seed's win rates", async () => {
    const { P, W, c } = tinyParameters();
    await writeSafetensors(join(directory, "router.safetensors"), {
      "P.weight": { shape: [2, 2], data: P },
      "downproj_QtoP.weight": { shape: [2, 3], data: W },
      "Classifier.weight": { shape: [1, 2], data: c },
    });
    await writeFile(join(directory, "router.json"), JSON.stringify(manifestFor(["strong", "weak"], 2, 3)));
    const { parameters, manifest } = await loadRouterBundle(directory);
    const router = new MFRB(parameters);
    const q = new Float32Array([1, 2, 3]);
    expect(router.winRate(router.modelId(manifest.strongModel), router.modelId(manifest.weakModel), q)).toBeCloseTo(1 / (1 + Math.exp(4.8)), 7);
  });

  it("rejects weights whose shapes disagree with each other or with the manifest", async () => {
    const write = (W: { shape: number[]; data: Float32Array }) =>
      writeSafetensors(join(directory, "router.safetensors"), {
        "P.weight": { shape: [2, 2], data: new Float32Array(4) },
        "downproj_QtoP.weight": W,
        "Classifier.weight": { shape: [1, 2], data: new Float32Array(2) },
      });
    await writeFile(join(directory, "router.json"), JSON.stringify(manifestFor(["a", "b"], 2, 3)));
    await write({ shape: [3, 2], data: new Float32Array(6) });
    await expect(loadRouterBundle(directory)).rejects.toMatchObject({ code: MODEL_ERROR_CODES.badShape, location: { field: "downproj_QtoP.weight" } });
    await write({ shape: [2, 4], data: new Float32Array(8) });
    await expect(loadRouterBundle(directory)).rejects.toMatchObject({ code: MODEL_ERROR_CODES.dimensionMismatch });
    await writeFile(join(directory, "router.json"), JSON.stringify(manifestFor(["a", "b", "c"], 2, 4)));
    await expect(loadRouterBundle(directory)).rejects.toMatchObject({ code: MODEL_ERROR_CODES.badShape });
  });

  it("rejects integer weights and a missing tensor", async () => {
    await writeFile(join(directory, "router.json"), JSON.stringify(manifestFor(["a", "b"], 2, 3)));
    await writeSafetensors(join(directory, "router.safetensors"), {
      "P.weight": { shape: [2, 2], data: new Int32Array(4) },
      "downproj_QtoP.weight": { shape: [2, 3], data: new Float32Array(6) },
      "Classifier.weight": { shape: [1, 2], data: new Float32Array(2) },
    });
    await expect(loadRouterBundle(directory)).rejects.toMatchObject({ code: MODEL_ERROR_CODES.badDtype, location: { field: "P.weight" } });
    await writeSafetensors(join(directory, "router.safetensors"), { "P.weight": { shape: [2, 2], data: new Float32Array(4) } });
    await expect(loadRouterBundle(directory)).rejects.toThrow(/downproj_QtoP\.weight/);
  });

  it("rejects truncated weights", async () => {
    const parameters = initializeParameters({ models: ["a", "b"], hidden: 4, dimension: 5 });
    await saveRouterBundle(directory, { parameters, manifest: manifestFor(["a", "b"], 4, 5) });
    const path = join(directory, "router.safetensors");
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 10));
    await expect(loadRouterBundle(directory)).rejects.toMatchObject({ code: MODEL_ERROR_CODES.badWeights, location: { file: path } });
  });

  it("rejects a manifest whose embedder dimension differs, and an embedder of another dimension", async () => {
    const parameters = initializeParameters({ models: ["a", "b"], hidden: 4, dimension: 5 });
    await saveRouterBundle(directory, { parameters, manifest: manifestFor(["a", "b"], 4, 5) });
    await expect(loadRouterBundle(directory, { embedderDimension: 768 })).rejects.toMatchObject({ code: MODEL_ERROR_CODES.dimensionMismatch });
    const manifest = { ...manifestFor(["a", "b"], 4, 5), embedder: { id: "x", name: "x", dimension: 384 } };
    await writeFile(join(directory, "router.json"), JSON.stringify(manifest));
    await expect(loadRouterBundle(directory)).rejects.toMatchObject({ code: MODEL_ERROR_CODES.dimensionMismatch, location: { field: "embedder.dimension" } });
    await expect(saveRouterBundle(directory, { parameters, manifest })).rejects.toMatchObject({ code: MODEL_ERROR_CODES.dimensionMismatch });
  });

  it("rejects a manifest that is not JSON, misses fields, or names a strong model it does not list", async () => {
    await writeFile(join(directory, "router.json"), "{");
    await expect(loadRouterBundle(directory)).rejects.toMatchObject({ code: MODEL_ERROR_CODES.badManifest });
    await writeFile(join(directory, "router.json"), JSON.stringify({ format: "muffler-router", version: 1 }));
    await expect(loadRouterBundle(directory)).rejects.toMatchObject({ code: MODEL_ERROR_CODES.badManifest, location: { field: "models" } });
    await writeFile(join(directory, "router.json"), JSON.stringify({ ...manifestFor(["a", "b"], 4, 5), strongModel: "z" }));
    await expect(loadRouterBundle(directory)).rejects.toMatchObject({ code: MODEL_ERROR_CODES.badManifest, location: { field: "strongModel" } });
    await expect(loadRouterBundle(join(directory, "missing"))).rejects.toMatchObject({ code: MODEL_ERROR_CODES.badManifest });
  });
});
