import { execFileSync, spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { MFRB, readMFParameters } from "@muffler/model";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TRAINING_ERROR_CODES } from "./errors.ts";
import { syntheticBattles } from "./internal/synthetic-battles.ts";
import { train, type TrainInput } from "./train.ts";
import type { BattleIndex } from "./training-options.ts";

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "muffler-train-"));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const data = syntheticBattles({ battles: 2_000, models: 3, dimension: 12, seed: 7 });
const held = syntheticBattles({ battles: 600, models: 3, dimension: 12, seed: 8 });
const split = (from: number, to: number): { battles: BattleIndex; embeddings: Float32Array } => ({
  battles: {
    winnerIds: data.battles.winnerIds.slice(from, to),
    loserIds: data.battles.loserIds.slice(from, to),
    promptIndices: Int32Array.from({ length: to - from }, (_, i) => i),
  },
  embeddings: data.embeddings.slice(from * 12, to * 12),
});
const trainPart = split(0, 1_600);
const validationPart = split(1_600, 2_000);
const base: TrainInput = { models: data.models, dimension: 12, battles: trainPart.battles, embeddings: trainPart.embeddings, validation: validationPart };
const flipped = (part: { battles: BattleIndex; embeddings: Float32Array }) => ({
  battles: { winnerIds: part.battles.loserIds, loserIds: part.battles.winnerIds, promptIndices: part.battles.promptIndices },
  embeddings: part.embeddings,
});
const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

describe("train", () => {
  it("learns who wins: validation loss falls and accuracy rises well above chance", async () => {
    const result = await train({ ...base, options: { epochs: 8, hidden: 16, learningRate: 3e-3 } });
    const epochs = result.history.epochs;
    expect(epochs).toHaveLength(8);
    expect(epochs[7]!.validationLoss!).toBeLessThan(epochs[0]!.validationLoss! - 0.05);
    expect(epochs[7]!.validationAccuracy!).toBeGreaterThan(0.7);
    expect(epochs.every((epoch) => epoch.weightNorm > 0 && epoch.learningRate === 3e-3 && epoch.seconds >= 0)).toBe(true);
  });

  it("is reproducible from its seed, and another seed gives other weights", async () => {
    const options = { epochs: 2, hidden: 8, noise: 0.1 };
    const a = await train({ ...base, options: { ...options, seed: 1 } });
    const b = await train({ ...base, options: { ...options, seed: 1 } });
    const c = await train({ ...base, options: { ...options, seed: 2 } });
    expect(a.lastParameters.W).toEqual(b.lastParameters.W);
    expect(a.lastParameters.W).not.toEqual(c.lastParameters.W);
  });

  it("validates on the validation prompts' own embeddings, without noise", async () => {
    const result = await train({ ...base, options: { epochs: 1, hidden: 8, noise: 0.2 } });
    const router = new MFRB(result.lastParameters);
    const { battles, embeddings } = validationPart;
    let loss = 0;
    for (let i = 0; i < battles.winnerIds.length; i++) {
      const q = embeddings.subarray(i * 12, (i + 1) * 12);
      loss += softplus(-(router.logit(battles.winnerIds[i]!, q) - router.logit(battles.loserIds[i]!, q)));
    }
    expect(result.history.epochs[0]!.validationLoss).toBeCloseTo(loss / battles.winnerIds.length, 9);
  });

  it("returns the best epoch by validation loss, stops early, and reduces the rate on a plateau", async () => {
    // Validation battles with the winners swapped: the better the model fits, the worse its validation loss.
    const result = await train({
      ...base,
      validation: flipped(validationPart),
      options: { epochs: 10, hidden: 8, learningRate: 3e-3, earlyStoppingPatience: 3, reduceLrOnPlateau: { patience: 0, factor: 0.5 } },
    });
    const epochs = result.history.epochs;
    expect(result.stoppedEarly).toBe(true);
    expect(epochs).toHaveLength(4);
    expect(result.history.bestEpoch).toBe(1);
    expect(epochs.map((epoch) => epoch.learningRate)).toEqual([3e-3, 3e-3, 1.5e-3, 7.5e-4]);
    expect(result.parameters.W).not.toEqual(result.lastParameters.W);
    const router = new MFRB(result.parameters);
    const { battles, embeddings } = flipped(validationPart);
    let loss = 0;
    for (let i = 0; i < battles.winnerIds.length; i++) {
      const q = embeddings.subarray(i * 12, (i + 1) * 12);
      loss += softplus(-(router.logit(battles.winnerIds[i]!, q) - router.logit(battles.loserIds[i]!, q)));
    }
    expect(loss / battles.winnerIds.length).toBeCloseTo(epochs[0]!.validationLoss!, 9);
  });

  it("trains any number of models (N = 12)", async () => {
    const many = syntheticBattles({ battles: 3_000, models: 12, dimension: 8, seed: 4 });
    const result = await train({ models: many.models, dimension: 8, battles: many.battles, embeddings: many.embeddings, options: { epochs: 3, hidden: 8, learningRate: 3e-3 } });
    expect(result.parameters.P).toHaveLength(12 * 8);
    expect(result.history.epochs[2]!.trainLoss).toBeLessThan(result.history.epochs[0]!.trainLoss);
  });

  it("rejects bad options and battles that point outside the models or the embeddings", async () => {
    await expect(train({ ...base, options: { batchSize: 0 } })).rejects.toMatchObject({ code: TRAINING_ERROR_CODES.invalidOptions, location: { field: "options.batchSize" } });
    const badModel = { ...trainPart.battles, winnerIds: trainPart.battles.winnerIds.slice() };
    badModel.winnerIds[4] = 3;
    await expect(train({ ...base, battles: badModel })).rejects.toMatchObject({ code: TRAINING_ERROR_CODES.invalidData, location: { row: 5 } });
    const badPrompt = { ...trainPart.battles, promptIndices: trainPart.battles.promptIndices.slice() };
    badPrompt.promptIndices[9] = 1_600;
    await expect(train({ ...base, battles: badPrompt })).rejects.toThrow(/prompt row 1600/);
    await expect(train({ battles: held.battles, embeddings: held.embeddings })).rejects.toMatchObject({ code: TRAINING_ERROR_CODES.invalidOptions });
  });
});

describe("train checkpoints", () => {
  const options = { epochs: 4, hidden: 8, noise: 0.05, seed: 3 };

  it("removes the temporary checkpoint a killed run left (issue 17: .epoch-1.safetensors.<pid>.<hex>.tmp stayed)", async () => {
    const child = spawnSync(process.execPath, ["-e", ""]);
    const stale = `.epoch-1.safetensors.${child.pid}.0badc0de.tmp`;
    const checkpointDirectory = join(directory, "killed");
    await mkdir(checkpointDirectory, { recursive: true });
    await writeFile(join(checkpointDirectory, stale), "half a checkpoint");
    await train({ ...base, options: { ...options, epochs: 1, checkpointDirectory } });
    expect(await readdir(checkpointDirectory)).toEqual(["epoch-1.safetensors"]);
  });

  it("writes a loadable checkpoint every epoch, and a run aborted after epoch 2 resumes to the same weights", async () => {
    const uninterrupted = await train({ ...base, options: { ...options, checkpointDirectory: join(directory, "a") } });
    expect((await readdir(join(directory, "a"))).sort()).toEqual([1, 2, 3, 4].map((epoch) => `epoch-${epoch}.safetensors`));
    const weights = await readMFParameters(join(directory, "a", "epoch-4.safetensors"), { models: data.models });
    expect(weights.W).toEqual(uninterrupted.lastParameters.W);

    const controller = new AbortController();
    const steps = Math.ceil(1_600 / 64);
    const checkpointDirectory = join(directory, "b");
    await expect(
      train({
        ...base,
        options: { ...options, checkpointDirectory },
        signal: controller.signal,
        onProgress: (event) => {
          if (event.done === 2 * steps && event.detail?.epoch === 2) controller.abort();
        },
      }),
    ).rejects.toMatchObject({ code: TRAINING_ERROR_CODES.aborted });
    expect(await readdir(checkpointDirectory)).toHaveLength(2);
    const resumed = await train({ ...base, options: { ...options, checkpointDirectory } });
    expect(resumed.resumedFromEpoch).toBe(2);
    expect(resumed.lastParameters).toEqual(uninterrupted.lastParameters);
    expect(resumed.parameters).toEqual(uninterrupted.parameters);
    expect(resumed.history.epochs.map(({ seconds: _s, ...rest }) => rest)).toEqual(uninterrupted.history.epochs.map(({ seconds: _s, ...rest }) => rest));
  });

  it("refuses to resume from another run's checkpoints", async () => {
    const checkpointDirectory = join(directory, "c");
    await train({ ...base, options: { ...options, epochs: 1, checkpointDirectory } });
    await expect(train({ ...base, options: { ...options, seed: 4, checkpointDirectory } })).rejects.toMatchObject({ code: TRAINING_ERROR_CODES.checkpointMismatch });
  });

  it("resumes a process killed with SIGKILL during an epoch to the weights of an uninterrupted run", () => {
    const script = join(dirname(fileURLToPath(import.meta.url)), "__fixtures__", "train-until-killed.ts");
    const run = (checkpointDirectory: string, killIn: number) =>
      spawnSync(process.execPath, ["--conditions=@muffler/source", "--import", "tsx", script, checkpointDirectory, String(killIn)], { encoding: "utf8" });
    // Killed at the end of epoch 3's steps, before its checkpoint: the work of epoch 3 is lost and redone.
    const killed = run(join(directory, "killed"), 3);
    expect(killed.signal).toBe("SIGKILL");
    const resumed = JSON.parse(run(join(directory, "killed"), 0).stdout) as { resumedFromEpoch: number; W: number[] };
    const whole = JSON.parse(execFileSync(process.execPath, ["--conditions=@muffler/source", "--import", "tsx", script, join(directory, "whole"), "0"], { encoding: "utf8" })) as {
      W: number[];
    };
    expect(resumed.resumedFromEpoch).toBe(2);
    expect(resumed.W).toEqual(whole.W);
  }, 60_000);
});
