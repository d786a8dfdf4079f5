import { initializeParameters } from "@muffler/model";
import { describe, expect, it } from "vitest";
import { train } from "../train.ts";
import { emptyAdamState } from "./engine.ts";
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
    const engine = new FusedEngine(parameters, emptyAdamState(parameters), { weightDecay: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
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
    const hyperparameters = { weightDecay: 1e-5, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
    const engines = [true, false].map((simd) => new FusedEngine(parameters, emptyAdamState(parameters), hyperparameters, { simd }));
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

describe("fused and tfjs engines", () => {
  for (const models of [2, 10]) {
    it(`agree on losses and weights (relative 1e-4) after several hundred steps, N = ${models}`, async () => {
      const data = syntheticBattles({ battles: 6_400, models, dimension: 40, seed: models });
      const validationData = syntheticBattles({ battles: 500, models, dimension: 40, seed: 100 + models });
      const common = {
        models: data.models,
        dimension: data.dimension,
        battles: data.battles,
        embeddings: data.embeddings,
        validation: { battles: validationData.battles, embeddings: validationData.embeddings },
      };
      const options = { epochs: 3, batchSize: 64, hidden: 32, seed: 5, noise: 0.1 };
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
