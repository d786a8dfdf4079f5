import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SeededRandom, writeSafetensors } from "@muffler/core";
import { loadRouterBundle, MFRB, ROUTELLM_MODEL_IDS } from "@muffler/model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeEmbeddingsServer } from "../test-support/fake-embeddings-server.ts";
import { runCliInProcess as cli } from "../test-support/run-cli-in-process.ts";
import { startServe } from "./serve.ts";

/** A deterministic unit 1536-d vector per text (as text-embedding-3-small's are unit length). */
function vectorOf(text: string): number[] {
  let seed = 0;
  for (const char of text) seed = (seed * 31 + char.charCodeAt(0)) >>> 0;
  const random = new SeededRandom(seed);
  const vector = Array.from({ length: 1536 }, () => random.normal());
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

let folder: string;
let weights: string;
let server: Awaited<ReturnType<typeof startFakeEmbeddingsServer>>;
const saved = { base: process.env.OPENAI_BASE_URL, key: process.env.OPENAI_API_KEY };

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "muffler-import-"));
  weights = join(folder, "model.safetensors");
  const random = new SeededRandom(7);
  const values = (length: number, scale: number) => Float32Array.from({ length }, () => random.normal() * scale);
  // RouteLLM's published layout: nn.Sequential layers, no biases.
  await writeSafetensors(weights, {
    "P.weight": { shape: [64, 128], data: values(64 * 128, 1) },
    "text_proj.0.weight": { shape: [128, 1536], data: values(128 * 1536, 0.3) },
    "classifier.0.weight": { shape: [1, 128], data: values(128, 0.3) },
  });
  server = await startFakeEmbeddingsServer(vectorOf);
  process.env.OPENAI_BASE_URL = server.baseUrl;
  process.env.OPENAI_API_KEY = "sk-test-import";
});

afterAll(async () => {
  await server.close();
  if (saved.base === undefined) delete process.env.OPENAI_BASE_URL;
  else process.env.OPENAI_BASE_URL = saved.base;
  if (saved.key === undefined) delete process.env.OPENAI_API_KEY;
  else process.env.OPENAI_API_KEY = saved.key;
  await rm(folder, { recursive: true, force: true });
});

describe("muffler import routellm", () => {
  it("writes a bundle that muffler route and muffler serve use, with RouteLLM's published threshold", async () => {
    const out = join(folder, "router");
    const imported = await cli("import", "routellm", "--weights", weights, "--out", out, "--json");
    expect(imported.code).toBe(0);
    const { manifest } = JSON.parse(imported.stdout) as { manifest: Record<string, unknown> };
    expect(manifest).toMatchObject({
      models: [...ROUTELLM_MODEL_IDS],
      strongModel: "gpt-4-1106-preview",
      weakModel: "mixtral-8x7b-instruct-v0.1",
      hidden: 128,
      dimension: 1536,
      embedder: { name: "openai:text-embedding-3-small", id: "openai:text-embedding-3-small;dimensions=1536;max-characters=24000", dimension: 1536 },
      thresholds: [{ strongPercent: 50, threshold: 0.11593 }],
    });
    expect(server.inputs).toHaveLength(0); // creating the embedder asked nothing

    const { parameters } = await loadRouterBundle(out);
    const model = new MFRB(parameters);
    const prompt = "Prove that the square root of 2 is irrational.";
    const expected = model.winRate(24, 36, Float32Array.from(vectorOf(prompt)));

    const routed = await cli("route", "--router", out, "--threshold", "0.11593", prompt, "--json");
    expect(routed.code).toBe(0);
    const decision = JSON.parse(routed.stdout) as { model: string; winRate: number; threshold: number };
    expect(decision.winRate).toBeCloseTo(expected, 9);
    expect(decision.model).toBe(expected >= 0.11593 ? "gpt-4-1106-preview" : "mixtral-8x7b-instruct-v0.1");
    expect(server.inputs.at(-1)).toEqual([prompt]);
    const byPercent = JSON.parse((await cli("route", "--router", out, "--strong-percent", "50", prompt, "--json")).stdout) as typeof decision;
    expect(byPercent.threshold).toBe(0.11593);

    const { server: muffler, url } = await startServe({ router: out, port: "0", fallback: true, logLevel: "silent" }, {});
    try {
      const response = await fetch(`${url}/v1/route`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "router-mf-0.11593", prompt }) });
      expect(response.status).toBe(200);
      const served = (await response.json()) as { model: string; winRate: number };
      expect(served.winRate).toBeCloseTo(expected, 9);
      expect(served.model).toBe(decision.model);
    } finally {
      await muffler.close();
    }
  });

  it("routes another pair of RouteLLM's models (without the published calibration, which is for the default pair)", async () => {
    const out = join(folder, "claude");
    const imported = await cli("import", "routellm", "--weights", weights, "--out", out, "--strong", "claude-2.1", "--weak", "llama-2-70b-chat", "--json");
    expect(imported.code).toBe(0);
    const { manifest } = JSON.parse(imported.stdout) as { manifest: { strongModel: string; thresholds?: unknown } };
    expect(manifest.strongModel).toBe("claude-2.1");
    expect(manifest.thresholds).toBeUndefined();
  });

  it("exits 1 for a model RouteLLM does not have and for a file that is not a checkpoint", async () => {
    const unknown = await cli("import", "routellm", "--weights", weights, "--out", join(folder, "x"), "--strong", "gpt-5", "--json");
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ error: { code: "router/bad-bundle", location: { field: "strongModel" } } });
    const missing = await cli("import", "routellm", "--weights", join(folder, "nothing.safetensors"), "--out", join(folder, "y"), "--json");
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: { code: "model/bad-weights" } });
  });
});
