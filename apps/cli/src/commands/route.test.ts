import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmbedder } from "@muffler/embeddings";
import { MFRB } from "@muffler/model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliInProcess as cli } from "../test-support/run-cli-in-process.ts";
import { writeLexicalRouter } from "../test-support/write-lexical-router.ts";

let directory: string;
let reference: { winRate: (prompt: string) => Promise<number> };

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "muffler-cli-route-"));
  const embedder = await createEmbedder("lexical");
  const { parameters } = await writeLexicalRouter(directory, [
    { strongPercent: 0, threshold: 1, calibratedOn: "test" },
    { strongPercent: 100, threshold: 0, calibratedOn: "test" },
  ]);
  const mfrb = new MFRB(parameters);
  reference = { winRate: async (prompt) => mfrb.winRate(0, 1, (await embedder.embed([prompt]))[0]!) };
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});


describe("muffler route", () => {
  it("prints the chosen model and the win rate of a prompt", async () => {
    const prompt = "Explain the proof of Fermat's last theorem";
    const winRate = await reference.winRate(prompt);
    const strong = await cli("route", "--router", join(directory, "router"), "--threshold", String(Math.max(0, winRate - 0.01)), "--json", prompt);
    expect(strong.code).toBe(0);
    expect(JSON.parse(strong.stdout)).toMatchObject({ model: "strong-model", winRate: expect.closeTo(winRate, 5), strongModel: "strong-model", weakModel: "weak-model" });
    const weak = await cli("route", "--router", join(directory, "router"), "--threshold", String(Math.min(1, winRate + 0.01)), prompt);
    expect(weak.code).toBe(0);
    expect(weak.stdout).toMatch(/^weak-model\n {2}strong model's win rate \d\.\d{4} < threshold/);
  });

  it("routes an OpenAI messages file by a calibrated strong percent", async () => {
    const file = join(directory, "messages.json");
    await writeFile(file, JSON.stringify([{ role: "user", content: "hello" }]));
    const result = await cli("route", "--router", join(directory, "router"), "--messages", file, "--strong-percent", "100", "--json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ model: "strong-model", threshold: 0 });
  });

  it("exits 1 with the error code on bad input", async () => {
    const outOfRange = await cli("route", "--router", join(directory, "router"), "--threshold", "2", "hello");
    expect(outOfRange.code).toBe(1);
    expect(outOfRange.stderr).toContain("router/invalid-threshold");
    const missingRouter = await cli("route", "--router", join(directory, "nope"), "hello");
    expect(missingRouter.code).toBe(1);
    expect(missingRouter.stderr).toContain("model/bad-manifest");
    const noPrompt = await cli("route", "--router", join(directory, "router"));
    expect(noPrompt.code).toBe(1);
  });
});
