import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCliInProcess as cli } from "../test-support/run-cli-in-process.ts";


let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "muffler-cli-prepare-"));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("muffler datasets synth + muffler prepare", () => {
  it("prepares a synthetic dataset and prints the seed's summary (shapes, label ratios)", async () => {
    const synth = await cli("datasets", "synth", "--out", join(folder, "data"), "--battles", "600", "--seed", "3", "--benchmark-prompts", "50");
    expect(synth.code).toBe(0);
    expect(synth.stdout).toContain("SYNTHETIC");
    const run = join(folder, "run");
    const prepared = await cli(
      "prepare",
      "--input",
      join(folder, "data", "synthetic-battles.csv"),
      "--run",
      run,
      "--strong",
      "synthetic/strong-model",
      "--weak",
      "synthetic/weak-model",
      "--balance",
      "--seed",
      "2",
    );
    expect(prepared.code).toBe(0);
    expect(prepared.stdout).toMatch(/input: 600 rows x 8 columns/);
    expect(prepared.stdout).toMatch(/models: 0 = synthetic\/strong-model, 1 = synthetic\/weak-model/);
    expect(prepared.stdout).toMatch(/train\s+[\d,]+\s+\d+\.\d\d%\s+\d+\.\d\d%/);
    expect(prepared.stdout).toMatch(/train \(balanced\)/);
    expect((await readdir(join(run, "dataset"))).sort()).toEqual(["encoded", "manifest.json", "raw"]);
  });

  it("prints one JSON document with --json", async () => {
    await cli("datasets", "synth", "--out", join(folder, "data"), "--battles", "200", "--seed", "1", "--json");
    const result = await cli("prepare", "--input", join(folder, "data", "synthetic-battles.csv"), "--run", join(folder, "run"), "--file-order", "--split-ratio", "0.8", "--json");
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { manifest: { rows: { train: number; test: number }; options: { shuffle: boolean; splitRatio: number } } };
    expect(parsed.manifest.options).toMatchObject({ shuffle: false, splitRatio: 0.8 });
    expect(parsed.manifest.rows.train).toBeGreaterThan(parsed.manifest.rows.test * 3);
  });

  it("exits 1 with the error code and the place on bad input, leaving nothing in the run directory", async () => {
    const input = join(folder, "bad.csv");
    await writeFile(input, "model_a,model_b,prompt,winner_model_a,winner_model_b\na,b,hello,1,0\na,b,again,yes,0\n");
    const run = join(folder, "run");
    const result = await cli("prepare", "--input", input, "--run", run);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error [data/bad-winner]");
    expect(result.stderr).toContain(`${input}, row 2, column "winner_model_a"`);
    expect(existsSync(run)).toBe(false);
    const json = await cli("prepare", "--input", input, "--run", run, "--split-ratio", "2", "--json");
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: "data/bad-option" } });
    const usage = await cli("prepare", "--input", input, "--run", run, "--tie-policy", "coin-flip");
    expect(usage.code).toBe(1);
    const mapping = await cli("prepare", "--input", input, "--run", run, "--column-map", "prompt");
    expect(mapping.code).toBe(1);
    expect(mapping.stderr).toContain("data/bad-column-map");
  });

  it("lists and shows dataset cards", async () => {
    const list = await cli("datasets", "cards");
    expect(list.code).toBe(0);
    expect(list.stdout).toContain("routellm/gpt4_judge_battles");
    const shown = await cli("datasets", "cards", "muffler/synthetic");
    expect(shown.stdout).toContain("[SYNTHETIC]");
    expect((await cli("datasets", "cards", "no-such-card")).code).toBe(1);
  });
});

const mmlu = fileURLToPath(new URL("../../../../../shared/data/routellm-evals/mmlu", import.meta.url));
if (!existsSync(mmlu)) console.warn(`SKIPPED: muffler prepare --benchmark on MMLU needs ${mmlu} (../shared/data/routellm-evals/mmlu), which is absent.`);

describe.skipIf(!existsSync(mmlu))("muffler prepare --benchmark on ../shared/data/routellm-evals/mmlu", () => {
  it("derives gold battles with the gold defaults (equal scores tie, ties split), or RouteLLM's labels when asked", async () => {
    const result = await cli("prepare", "--benchmark", mmlu, "--run", join(folder, "mmlu"), "--json");
    expect(result.code).toBe(0);
    const { manifest } = JSON.parse(result.stdout) as { manifest: { counts: Record<string, number>; rows: { train: number; test: number }; strongModel: string } };
    expect(manifest.strongModel).toBe("gpt-4-1106-preview");
    // 2,496 strong only, 742 weak only, 8,816 both right + 1,983 both wrong = 10,799 ties, each two battles
    expect(manifest.counts).toMatchObject({ input: 14_037, tiesDropped: 0, tiesResolved: 10_799, kept: 14_037 + 10_799 });
    const routellm = await cli("prepare", "--benchmark", mmlu, "--run", join(folder, "mmlu-routellm"), "--tie-policy", "drop", "--passing-score", "1", "--json");
    const labels = JSON.parse(routellm.stdout) as { manifest: { counts: Record<string, number>; rows: { train: number; test: number } } };
    expect(labels.manifest.counts).toMatchObject({ input: 14_037, tiesDropped: 1983, kept: 12_054 });
    expect(labels.manifest.rows.train + labels.manifest.rows.test).toBe(12_054);
  }, 60_000);
});

describe("muffler prepare flags", () => {
  it("offers exactly the tie policies of @muffler/data", async () => {
    const { TIE_POLICIES } = await import("@muffler/data");
    const help = await cli("prepare", "--help");
    expect(help.stdout.replace(/\s+/g, " ")).toContain(`choices: ${TIE_POLICIES.map((policy) => `"${policy}"`).join(", ")}`);
  });
});
