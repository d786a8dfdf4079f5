import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SeededRandom, writeSafetensors } from "@muffler/core";
import { initializeParameters, type MFParameters } from "@muffler/model";
import { describe, expect, it } from "vitest";
import type { WeightDecayMode } from "../training-options.ts";
import { train } from "../train.ts";
import { emptyAdamState, type EngineHyperparameters } from "./engine.ts";
import { FusedEngine } from "./fused-engine.ts";
import { syntheticBattles } from "./synthetic-battles.ts";

function relativeDifference(actual: Float32Array, expected: Float32Array): number {
  let difference = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    difference += (actual[i]! - expected[i]!) ** 2;
    norm += expected[i]! ** 2;
  }
  return Math.sqrt(difference / norm);
}

describe("FusedEngine", () => {
  it("takes the gradient of the MF gate's loss (checked against finite differences through one SGD-like Adam step)", () => {
    // With Adam's first step, each parameter moves by -lr * sign(gradient) (|g| >> eps): compare signs with a
    // central finite difference of the float64 loss.
    const data = syntheticBattles({ battles: 8, models: 3, dimension: 5, seed: 4 });
    const parameters = initializeParameters({ models: data.models, hidden: 4, dimension: 5, seed: 9 });
    const batch = { size: 8, winners: data.battles.winnerIds, losers: data.battles.loserIds, rows: data.embeddings };
    const loss = (P: Float32Array, W: Float32Array, c: Float32Array) => {
      let sum = 0;
      for (let i = 0; i < 8; i++) {
        const unit = (m: number) => {
          const row = Array.from(P.subarray(m * 4, m * 4 + 4), Number);
          const norm = Math.hypot(...row);
          return row.map((x) => x / norm);
        };
        const strong = unit(data.battles.winnerIds[i]!);
        const weak = unit(data.battles.loserIds[i]!);
        let z = 0;
        for (let h = 0; h < 4; h++) {
          let projected = 0;
          for (let d = 0; d < 5; d++) projected += W[h * 5 + d]! * data.embeddings[i * 5 + d]!;
          z += c[h]! * (strong[h]! - weak[h]!) * projected;
        }
        sum += Math.log1p(Math.exp(-z));
      }
      return sum / 8;
    };
    const engine = new FusedEngine(parameters, emptyAdamState(parameters), { weightDecay: 0, weightDecayMode: "l2" as const, weightDecayOnModels: true, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    const reported = engine.step(batch, 1e-3);
    expect(reported).toBeCloseTo(loss(parameters.P, parameters.W, parameters.c), 6);
    const after = engine.snapshot().parameters;
    let checked = 0;
    for (const key of ["P", "W", "c"] as const) {
      for (let index = 0; index < parameters[key].length; index++) {
        const plus = { P: parameters.P.slice(), W: parameters.W.slice(), c: parameters.c.slice() };
        const minus = { P: parameters.P.slice(), W: parameters.W.slice(), c: parameters.c.slice() };
        plus[key][index]! += 1e-3;
        minus[key][index]! -= 1e-3;
        const gradient = (loss(plus.P, plus.W, plus.c) - loss(minus.P, minus.W, minus.c)) / 2e-3;
        if (Math.abs(gradient) < 1e-4) continue;
        const moved = after[key][index]! - parameters[key][index]!;
        expect(Math.sign(moved)).toBe(-Math.sign(gradient));
        expect(Math.abs(moved)).toBeCloseTo(1e-3, 5);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});

describe("FusedEngine's WebAssembly SIMD row kernel", () => {
  it("gives the plain JS loops' weights (float32 against float64 arithmetic, relative 1e-5) after 200 steps", () => {
    const data = syntheticBattles({ battles: 64 * 20, models: 2, dimension: 64, seed: 6 });
    const parameters = initializeParameters({ models: data.models, hidden: 16, dimension: 64, seed: 2 });
    const engines = [true, false].map((simd) => new FusedEngine(parameters, emptyAdamState(parameters), hyperparameters(1e-5), { simd }));
    const losses = engines.map(() => [] as number[]);
    for (let step = 0; step < 200; step++) {
      const k = step % 20;
      const batch = { size: 64, winners: data.battles.winnerIds.subarray(k * 64), losers: data.battles.loserIds.subarray(k * 64), rows: data.embeddings.subarray(k * 64 * 64) };
      engines.forEach((engine, index) => losses[index]!.push(engine.step(batch, 1e-3)));
    }
    const [simd, plain] = engines.map((engine) => engine.snapshot());
    for (const key of ["P", "W", "c"] as const) expect(relativeDifference(simd!.parameters[key], plain!.parameters[key])).toBeLessThan(1e-5);
    expect(relativeDifference(simd!.adam.vW, plain!.adam.vW)).toBeLessThan(1e-4);
    expect(relativeDifference(simd!.parameters.W, parameters.W)).toBeGreaterThan(0.05);
    expect(Math.abs(losses[0]!.at(-1)! - losses[1]!.at(-1)!)).toBeLessThan(1e-5);
  });
});

const hyperparameters = (weightDecay: number, weightDecayMode: WeightDecayMode = "l2", weightDecayOnModels = true): EngineHyperparameters => ({
  weightDecay,
  weightDecayMode,
  weightDecayOnModels,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
});

describe("FusedEngine's batched SIMD kernel (any N)", () => {
  // H = 30 (padded to 32 in the kernel), batches of 64 and a last one of 61 (padded to 64); with N = 10 every batch
  // has fewer models than battles (dW over the models' rows r_m), with N = 64 and the batch of 61 some have more
  // (dW over the prompts' rows): both forms run.
  for (const [models, mode, onModels] of [[10, "l2", true], [64, "l2", true], [64, "decoupled", false]] as const) {
    it(`gives the plain JS loops' weights (float32 against float64 arithmetic, relative 1e-4) after 200 steps, N = ${models}, ${mode} decay${onModels ? "" : " without P"}`, () => {
      const data = syntheticBattles({ battles: 64 * 20, models, dimension: 64, seed: 6 });
      const parameters = initializeParameters({ models: data.models, hidden: 30, dimension: 64, seed: 2 });
      const engines = [true, false].map((simd) => new FusedEngine(parameters, emptyAdamState(parameters), hyperparameters(0.01, mode, onModels), { simd }));
      const losses = engines.map(() => [] as number[]);
      for (let step = 0; step < 200; step++) {
        const k = step % 20;
        const size = k === 19 ? 61 : 64;
        const batch = { size, winners: data.battles.winnerIds.subarray(k * 64), losers: data.battles.loserIds.subarray(k * 64), rows: data.embeddings.subarray(k * 64 * 64) };
        engines.forEach((engine, index) => losses[index]!.push(engine.step(batch, 1e-3)));
      }
      const [simd, plain] = engines.map((engine) => engine.snapshot());
      // Observed: about 2e-5 for P, W and c (float32 sums over D = 64 and B = 64 in the kernel).
      for (const key of ["P", "W", "c"] as const) expect(relativeDifference(simd!.parameters[key], plain!.parameters[key])).toBeLessThan(1e-4);
      expect(relativeDifference(simd!.adam.vW, plain!.adam.vW)).toBeLessThan(1e-3);
      expect(relativeDifference(simd!.parameters.W, parameters.W)).toBeGreaterThan(0.05);
      for (let step = 0; step < 200; step++) expect(Math.abs(losses[0]![step]! - losses[1]![step]!)).toBeLessThan(1e-5);
    });
  }
});

describe("FusedEngine on two threads", () => {
  it("gives the one-thread weights bit for bit (the helper thread takes the upper rows of W)", () => {
    const data = syntheticBattles({ battles: 64 * 10, models: 16, dimension: 256, seed: 8 });
    const parameters = initializeParameters({ models: data.models, hidden: 128, dimension: 256, seed: 3 });
    const engines = [1, 2].map((threads) => new FusedEngine(parameters, emptyAdamState(parameters), hyperparameters(1e-5), { threads }));
    expect(engines.map((engine) => engine.threads)).toEqual([1, 2]);
    for (let step = 0; step < 30; step++) {
      const k = step % 10;
      const batch = { size: 64, winners: data.battles.winnerIds.subarray(k * 64), losers: data.battles.loserIds.subarray(k * 64), rows: data.embeddings.subarray(k * 64 * 256) };
      const [one, two] = engines.map((engine) => engine.step(batch, 1e-3));
      expect(two).toBe(one);
    }
    const [one, two] = engines.map((engine) => engine.snapshot());
    for (const key of ["P", "W", "c"] as const) expect(two!.parameters[key]).toEqual(one!.parameters[key]);
    expect(two!.adam.vW).toEqual(one!.adam.vW);
    expect(relativeDifference(two!.parameters.W, parameters.W)).toBeGreaterThan(0.01);
    for (const engine of engines) engine.dispose();
  });
});

describe("fused and tfjs engines", () => {
  for (const [models, mode, onModels, weightDecay] of [
    [2, "l2", true, 1e-5],
    [10, "l2", true, 1e-5],
    [64, "l2", true, 1e-5],
    [2, "decoupled", false, 0.05],
    [64, "decoupled", true, 0.05],
    [10, "l2", false, 0.05],
  ] as const) {
    it(`agree on losses and weights (relative 1e-4) after several hundred steps, N = ${models}, ${mode} decay ${weightDecay}${onModels ? "" : " without P"}`, async () => {
      const data = syntheticBattles({ battles: 6_400, models, dimension: 40, seed: models });
      const validationData = syntheticBattles({ battles: 500, models, dimension: 40, seed: 100 + models });
      const common = {
        models: data.models,
        dimension: data.dimension,
        battles: data.battles,
        embeddings: data.embeddings,
        validation: { battles: validationData.battles, embeddings: validationData.embeddings },
      };
      const options = { epochs: 3, batchSize: 64, hidden: 32, seed: 5, noise: 0.1, weightDecay, weightDecayMode: mode, weightDecayOnModels: onModels };
      const fused = await train({ ...common, options: { ...options, engine: "fused" } });
      const tfjs = await train({ ...common, options: { ...options, engine: "tfjs" } });
      expect(fused.history.epochs).toHaveLength(3);
      for (let epoch = 0; epoch < 3; epoch++) {
        const a = fused.history.epochs[epoch]!;
        const b = tfjs.history.epochs[epoch]!;
        expect(Math.abs(a.trainLoss - b.trainLoss) / b.trainLoss).toBeLessThan(1e-4);
        expect(Math.abs(a.validationLoss! - b.validationLoss!) / b.validationLoss!).toBeLessThan(1e-4);
      }
      for (const key of ["P", "W", "c"] as const) expect(relativeDifference(fused.lastParameters[key], tfjs.lastParameters[key])).toBeLessThan(1e-4);
      // The weights moved far more than the tolerance: the comparison is not vacuous.
      const initial = initializeParameters({ models: data.models, hidden: 32, dimension: 40, seed: 5 });
      expect(relativeDifference(fused.lastParameters.W, initial.W)).toBeGreaterThan(0.05);
      expect(fused.history.epochs[2]!.trainLoss).toBeLessThan(fused.history.epochs[0]!.trainLoss);
    }, 120_000);
  }
});

const python = "/usr/bin/python3";
const hasTorch = spawnSync(python, ["-c", "import torch"], { stdio: "ignore" }).status === 0;
if (!hasTorch) console.warn("[training] SKIPPED the fused engine's PyTorch cross-check: /usr/bin/python3 cannot import torch (apt-get install python3-torch).");
const torchSteps = join(dirname(fileURLToPath(import.meta.url)), "..", "__fixtures__", "torch-steps.py");

describe.skipIf(!hasTorch)("fused engine and PyTorch (torch.optim.Adam / AdamW on the seed's MFGate)", () => {
  for (const [models, mode, onModels, weightDecay] of [
    [2, "l2", true, 1e-5],
    [10, "l2", true, 1e-5],
    [64, "l2", true, 1e-5],
    [64, "decoupled", true, 0.05],
    [10, "decoupled", false, 0.05],
    [2, "l2", false, 0.05],
  ] as const) {
    it(`agree on losses and weights (relative 1e-4) after 300 steps, N = ${models}, ${mode} decay ${weightDecay}${onModels ? "" : " without P"}`, async () => {
      const steps = 300;
      const B = 64;
      const D = 40;
      const data = syntheticBattles({ battles: steps * B, models, dimension: D, seed: 20 + models });
      const parameters = initializeParameters({ models: data.models, hidden: 32, dimension: D, seed: 7 });
      const noise = new SeededRandom(3);
      const rows = Float32Array.from(data.embeddings, (value) => value + 0.1 * noise.normal());
      const engine = new FusedEngine(parameters, emptyAdamState(parameters), hyperparameters(weightDecay, mode, onModels));
      const losses: number[] = [];
      for (let step = 0; step < steps; step++) {
        losses.push(engine.step({ size: B, winners: data.battles.winnerIds.subarray(step * B), losers: data.battles.loserIds.subarray(step * B), rows: rows.subarray(step * B * D) }, 1e-3));
      }
      const reference = await runTorch(parameters, data.battles.winnerIds, data.battles.loserIds, rows, { steps, B, D, lr: 1e-3, weightDecay, mode, onModels });
      const actual = engine.snapshot().parameters;
      for (let step = 0; step < steps; step++) expect(Math.abs(losses[step]! - reference.losses[step]!) / reference.losses[step]!).toBeLessThan(1e-4);
      for (const key of ["P", "W", "c"] as const) expect(relativeDifference(actual[key], Float32Array.from(reference[key]))).toBeLessThan(1e-4);
      // The weights moved far more than the tolerance: the comparison is not vacuous.
      expect(relativeDifference(actual.W, parameters.W)).toBeGreaterThan(0.05);
    }, 60_000);
  }
});

async function runTorch(
  parameters: MFParameters,
  winners: Int32Array,
  losers: Int32Array,
  rows: Float32Array,
  options: { steps: number; B: number; D: number; lr: number; weightDecay: number; mode: WeightDecayMode; onModels: boolean },
): Promise<{ losses: number[]; P: number[]; W: number[]; c: number[] }> {
  const folder = await mkdtemp(join(tmpdir(), "muffler-torch-steps-"));
  try {
    const { steps, B, D } = options;
    const N = parameters.models.length;
    const H = parameters.hidden;
    const file = join(folder, "steps.safetensors");
    await writeSafetensors(file, {
      P: { shape: [N, H], data: parameters.P },
      W: { shape: [H, D], data: parameters.W },
      c: { shape: [1, H], data: parameters.c },
      winners: { shape: [steps, B], data: winners.subarray(0, steps * B) },
      losers: { shape: [steps, B], data: losers.subarray(0, steps * B) },
      rows: { shape: [steps, B, D], data: rows.subarray(0, steps * B * D) },
    });
    const json = JSON.stringify({ lr: options.lr, weight_decay: options.weightDecay, mode: options.mode, decay_models: options.onModels });
    const child = spawnSync(python, [torchSteps, file, json], { encoding: "utf8", maxBuffer: 1 << 26 });
    if (child.status !== 0) throw new Error(`torch-steps.py failed: ${child.stderr}`);
    return JSON.parse(child.stdout) as { losses: number[]; P: number[]; W: number[]; c: number[] };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
