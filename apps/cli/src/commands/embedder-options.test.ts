import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runPaths } from "@muffler/core";
import { writeSyntheticMmlu } from "@muffler/datasets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliInProcess } from "../test-support/run-cli-in-process.ts";
import { startServe } from "./serve.ts";

// A router embedded with non-default embedder options must route, serve and evaluate with the vectors it was trained
// on: router.json stores the embedder as { name, options } and every stage rebuilds it with createEmbedder(spec).
// Before, the manifest kept only the name, so a `--quantize ffn` router failed with router/bad-bundle.
const cases = [
  { name: "use-lite --quantize ffn --max-tokens 48", flags: ["--embedder", "use-lite", "--quantize", "ffn", "--max-tokens", "48"], options: { useLite: { quantize: "ffn", maxTokens: 48 } }, id: /ffn/ },
  { name: "use-lite+lexical", flags: ["--embedder", "use-lite+lexical"], options: undefined, id: / \+ lexical/ },
] as const;

let folder: string;
let mmlu: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "muffler-embedder-options-"));
  mmlu = await writeSyntheticMmlu({ directory: join(folder, "mmlu") });
});
afterAll(async () => rm(folder, { recursive: true, force: true }));

const json = (stdout: string) => JSON.parse(stdout) as Record<string, unknown> & { error?: { code: string } };

describe.each(cases)("a router trained on $name", (testCase) => {
  let run: string;
  beforeAll(async () => {
    run = join(folder, testCase.name.replace(/[^a-z0-9]+/gi, "-"));
    for (const args of [
      ["prepare", "--benchmark", mmlu, "--run", run],
      ["embed", "--run", run, ...testCase.flags],
      ["train", "--run", run, "--epochs", "10", "--hidden", "16", "--learning-rate", "0.01"],
      ["calibrate", "--run", run, "--strong-percents", "20,50,80"],
    ]) {
      const result = await runCliInProcess(...args, "--json");
      expect(result.code, `${args.join(" ")}: ${result.stdout}${result.stderr}`).toBe(0);
    }
  }, 240_000);

  it("stores the embedder as { name, options } with the id it gave in router.json", async () => {
    const manifest = JSON.parse(await readFile(runPaths(run).router.manifest, "utf8"));
    expect(manifest.embedder.name).toBe(testCase.flags[1]);
    if (testCase.options === undefined) expect(manifest.embedder.options?.useLite?.quantize ?? "none").toBe("none");
    else expect(manifest.embedder.options).toMatchObject(testCase.options);
    expect(manifest.embedder.id).toMatch(testCase.id);
    expect(manifest.weightsHash).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.thresholds.map((entry: { weightsHash: string }) => entry.weightsHash)).toEqual([manifest.weightsHash, manifest.weightsHash, manifest.weightsHash]);
  });

  it("routes with muffler route", async () => {
    const result = await runCliInProcess("route", "--router", runPaths(run).router.root, "--strong-percent", "50", "--json", "Solve for x: 3x + 1 = 10.");
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(JSON.stringify(json(result.stdout))).toMatch(/strong|weak/);
  }, 60_000);

  it("serves POST /v1/route with muffler serve", async () => {
    const { server, url } = await startServe({ router: runPaths(run).router.root, port: "0", fallback: true, logLevel: "silent" }, {});
    try {
      const response = await fetch(`${url}/v1/route`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ strongPercent: 50, prompt: "In which century did the treaty end the war?" }),
      });
      const body = (await response.json()) as { model?: string; winRate?: number };
      expect(response.status, JSON.stringify(body)).toBe(200);
      expect(body.winRate).toBeGreaterThanOrEqual(0);
      expect(body.winRate).toBeLessThanOrEqual(1);
    } finally {
      await server.close();
    }
  }, 60_000);

  it("evaluates with muffler evaluate --run", async () => {
    const result = await runCliInProcess("evaluate", "--benchmark", mmlu, "--run", run, "--json");
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const metrics = JSON.parse(await readFile(runPaths(run).evaluationFiles.benchmark("mmlu").metrics, "utf8"));
    expect(metrics.rows).toBe(120);
    expect(metrics.apgr).toBeGreaterThan(0);
  }, 120_000);
});
