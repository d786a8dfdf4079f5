import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLexicalEmbedder } from "@muffler/embeddings";
import { loadRouterBundle, MFRB } from "@muffler/model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliInProcess as cli } from "../test-support/run-cli-in-process.ts";
import type { TrainCommandResult } from "./train.ts";


describe("muffler train", () => {
  let folder: string;
  let run: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "muffler-train-cli-"));
    // gpt-4 wins the arithmetic questions, mixtral the greetings: learnable from lexical embeddings.
    const rows = ["model_a,model_b,prompt,winner_model_a,winner_model_b,winner_tie"];
    for (let index = 0; index < 120; index++) {
      const hard = index % 2 === 0;
      const prompt = hard ? `Compute ${index} times ${index + 7} and explain the arithmetic` : `Hello there friend number ${index}, how are you today`;
      rows.push(`gpt-4,mixtral,"${prompt}",${hard ? 1 : 0},${hard ? 0 : 1},0`);
    }
    await writeFile(join(folder, "battles.csv"), `${rows.join("\n")}\n`);
    run = join(folder, "run");
    expect((await cli("prepare", "--input", join(folder, "battles.csv"), "--run", run, "--strong", "gpt-4", "--weak", "mixtral", "--json")).code).toBe(0);
    expect((await cli("embed", "--run", run, "--embedder", "lexical", "--json")).code).toBe(0);
  }, 120_000);
  afterAll(async () => rm(folder, { recursive: true, force: true }));

  it("trains a prepared, embedded run and writes history, checkpoints and a router that routes", async () => {
    const { code, stdout } = await cli("train", "--run", run, "--epochs", "3", "--hidden", "16", "--learning-rate", "0.01", "--json");
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as TrainCommandResult;
    expect(result).toMatchObject({ engine: "fused", strongModel: "gpt-4", weakModel: "mixtral", dimension: 512, resumedFromEpoch: null });
    expect(result.history.epochs).toHaveLength(3);
    expect(result.trainBattles).toBeGreaterThan(0);
    const history = JSON.parse(await readFile(join(run, "training", "history.json"), "utf8")) as { epochs: unknown[]; bestEpoch: number };
    expect(history.epochs).toHaveLength(3);
    expect((await readdir(join(run, "training", "checkpoints"))).sort()).toEqual(["epoch-1.safetensors", "epoch-2.safetensors", "epoch-3.safetensors"]);
    const bundle = await loadRouterBundle(join(run, "router"), { embedderDimension: 512 });
    expect(bundle.manifest).toMatchObject({ strongModel: "gpt-4", weakModel: "mixtral", embedder: { dimension: 512, name: "lexical" } });
    expect(bundle.manifest.metrics?.validationLoss).toBeCloseTo(result.history.epochs[result.history.bestEpoch - 1]!.validationLoss!, 9);
    const router = new MFRB(bundle.parameters);
    const [hard, easy] = await createLexicalEmbedder().embed(["Compute 3 times 11 and explain the arithmetic", "Hello there friend number 4, how are you today"]);
    expect(router.winRate(0, 1, hard!)).toBeGreaterThan(0.5);
    expect(router.winRate(0, 1, easy!)).toBeLessThan(0.5);
  }, 60_000);

  it("resumes from the checkpoints when asked for more epochs, and prints a table without --json", async () => {
    const { code, stdout } = await cli("train", "--run", run, "--epochs", "4", "--hidden", "16", "--learning-rate", "0.01");
    expect(code).toBe(0);
    expect(stdout).toMatch(/resumed after epoch 3/);
    expect(stdout).toMatch(/train loss/);
    expect(stdout.split("\n").filter((line) => /^\s*[1-4]( \*)?\s/.test(line))).toHaveLength(4);
  }, 60_000);

  it("picks the epoch on a validation split carved from train (by prompt) and never reads the test split", async () => {
    const honest = join(folder, "honest");
    await cp(run, honest, { recursive: true });
    await rm(join(honest, "training"), { recursive: true, force: true });
    // Without the test split's files training still runs: it does not read them.
    for (const file of ["dataset/raw/test.parquet", "dataset/encoded/test.parquet", "embeddings/test.f32", "embeddings/test.json"]) await rm(join(honest, file));
    const { code, stdout } = await cli("train", "--run", honest, "--epochs", "2", "--hidden", "8", "--validation-ratio", "0.25", "--json");
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as TrainCommandResult;
    const prepared = JSON.parse(await readFile(join(honest, "dataset", "manifest.json"), "utf8")) as { rows: { train: number } };
    expect(result.trainBattles + result.validationBattles).toBe(prepared.rows.train);
    expect(result.validationBattles).toBeGreaterThanOrEqual(Math.ceil(0.25 * prepared.rows.train));
    expect(result.validationRatio).toBe(0.25);
    expect(result.history.epochs.every((epoch) => epoch.validationLoss !== undefined)).toBe(true);
    const bundle = await loadRouterBundle(join(honest, "router"), { embedderDimension: 512 });
    expect(bundle.manifest.training).toMatchObject({ validationRatio: 0.25, validationBattles: result.validationBattles });
  }, 60_000);

  it("exits 1 with a clear code for a bad engine, a bad number, stale embeddings, or a run without a dataset", async () => {
    const engine = await cli("train", "--run", run, "--engine", "torch", "--json");
    expect(engine.code).toBe(1);
    expect(JSON.parse(engine.stdout)).toMatchObject({ error: { code: "training/invalid-options" } });
    const number = await cli("train", "--run", run, "--epochs", "ten", "--json");
    expect(JSON.parse(number.stdout)).toMatchObject({ error: { code: "training/invalid-options", location: { field: "--epochs" } } });
    const otherRun = join(folder, "other");
    const rows = ["model_a,model_b,prompt,winner_model_a,winner_model_b,winner_tie"];
    for (let index = 0; index < 40; index++) rows.push(`gpt-4,mixtral,"Prompt number ${index}",${index % 2},${1 - (index % 2)},0`);
    await writeFile(join(folder, "other.csv"), `${rows.join("\n")}\n`);
    expect((await cli("prepare", "--input", join(folder, "other.csv"), "--run", otherRun, "--strong", "gpt-4", "--weak", "mixtral", "--json")).code).toBe(0);
    await cp(join(run, "embeddings"), join(otherRun, "embeddings"), { recursive: true });
    const stale = await cli("train", "--run", otherRun, "--json");
    expect(stale.code).toBe(1);
    expect(JSON.parse(stale.stdout)).toMatchObject({ error: { code: "training/invalid-data" } });
    const empty = await cli("train", "--run", join(folder, "nothing"), "--json");
    expect(empty.code).toBe(1);
    expect(JSON.parse(empty.stdout).error.code).toMatch(/^data\//);
  });
});
