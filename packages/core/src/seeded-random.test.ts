import { describe, expect, it } from "vitest";
import { SeededRandom } from "./seeded-random.ts";

describe("SeededRandom", () => {
  it("repeats its sequence for a seed and differs across seeds", () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const first = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(first);
  });

  it("draws uniforms in [0, 1) and normals with mean 0 and variance 1", () => {
    const random = new SeededRandom(7);
    let sum = 0;
    let sumSquares = 0;
    let lowest = 1;
    let highest = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const u = random.next();
      lowest = Math.min(lowest, u);
      highest = Math.max(highest, u);
      const z = random.normal();
      sum += z;
      sumSquares += z * z;
    }
    expect(lowest).toBeGreaterThanOrEqual(0);
    expect(highest).toBeLessThan(1);
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(Math.abs(sumSquares / n - 1)).toBeLessThan(0.01);
  });

  it("shuffles into a permutation", () => {
    const order = new SeededRandom(1).permutation(1000);
    expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect([...order]).not.toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });
});
