import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SYNTHETIC_STRONG_MODEL, SYNTHETIC_WEAK_MODEL, writeSyntheticDataset } from "@muffler/datasets";
import { loadServerConfig } from "@muffler/router";
import { describe, expect, it } from "vitest";
import { readRunConfig } from "./pipeline/run-config.ts";

// The newcomer's path: every file the README's commands name ships in the repo, and validates as the command reads it.
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const readme = await readFile(join(repoRoot, "README.md"), "utf8");

describe("the example files the README names", () => {
  it("exist: every --config path", () => {
    const named = [...readme.matchAll(/--config (\S+)/g)].map((match) => match[1]!);
    expect(named.length).toBeGreaterThanOrEqual(2);
    for (const path of named) expect(existsSync(join(repoRoot, path)), `${path} (named by the README)`).toBe(true);
  });

  it("examples/server.json is a valid serve config pointing at local upstreams, needing no environment", async () => {
    const config = await loadServerConfig({ file: join(repoRoot, "examples/server.json"), env: {} });
    for (const side of ["strong", "weak"] as const) expect(new URL(config[side].baseUrl).hostname).toBe("127.0.0.1");
    expect(readme).toContain("--config examples/server.json");
  });

  it("examples/muffler.config.json is a valid run config on the files `muffler datasets synth --out runs/synthetic` writes", async () => {
    const config = await readRunConfig(join(repoRoot, "examples/muffler.config.json"));
    expect(readme).toContain("pnpm muffler datasets synth --out runs/synthetic ");
    expect(readme).toContain("pnpm muffler run --config examples/muffler.config.json");
    // The README shows the file itself, so the two cannot drift.
    expect(readme).toContain(await readFile(join(repoRoot, "examples/muffler.config.json"), "utf8"));
    const folder = await mkdtemp(join(tmpdir(), "muffler-examples-"));
    try {
      const synthetic = await writeSyntheticDataset({ outDirectory: join(folder, "synthetic"), battles: 50, benchmarkPrompts: 20, seed: 0 });
      expect(config.data.input).toBe(`runs/synthetic/${basename(synthetic.battlesPath)}`);
      expect(config.evaluation.benchmarks).toEqual([`runs/synthetic/${basename(synthetic.benchmarkPath)}`]);
      expect(config.data.strongModel).toBe(SYNTHETIC_STRONG_MODEL);
      expect(config.data.weakModel).toBe(SYNTHETIC_WEAK_MODEL);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
