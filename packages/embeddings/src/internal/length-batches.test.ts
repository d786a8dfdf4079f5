import { describe, expect, it } from "vitest";
import { type LengthBatchOptions, lengthBatches } from "./length-batches.ts";

function cost(lengths: readonly number[], batches: number[][], callOverhead: number): number {
  return batches.reduce((sum, batch) => sum + callOverhead + batch.length * Math.max(...batch.map((index) => lengths[index]!)), 0);
}

/** Every partition of the length-sorted order into runs, by brute force: the least cost. */
function bruteForceBest(lengths: readonly number[], options: LengthBatchOptions): number {
  const sorted = [...lengths].sort((a, b) => a - b);
  let best = Number.POSITIVE_INFINITY;
  for (let mask = 0; mask < 2 ** Math.max(0, sorted.length - 1); mask++) {
    let total = 0;
    let begin = 0;
    let valid = true;
    for (let end = 1; end <= sorted.length; end++) {
      if (end === sorted.length || mask & (1 << (end - 1))) {
        const rows = end - begin;
        const longest = sorted[end - 1]!;
        if (rows > options.batchSize || (rows > 1 && rows * longest > options.tokenBudget)) valid = false;
        total += options.callOverhead + rows * longest;
        begin = end;
      }
    }
    if (valid) best = Math.min(best, total);
  }
  return best;
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe("lengthBatches", () => {
  it("cuts where calls x overhead + padded tokens is least (brute force over 300 random inputs)", () => {
    const random = seeded(7);
    for (let trial = 0; trial < 300; trial++) {
      const lengths = Array.from({ length: 1 + Math.floor(random() * 11) }, () => 1 + Math.floor(random() * 100));
      const options = { batchSize: 1 + Math.floor(random() * 8), tokenBudget: 50 + Math.floor(random() * 400), callOverhead: Math.floor(random() * 150) };
      const batches = lengthBatches(lengths, options);
      expect(cost(lengths, batches, options.callOverhead)).toBe(bruteForceBest(lengths, options));
    }
  });

  it("splits a short-and-long mix that one greedy call would pad (the old cutting)", () => {
    // Greedy filling gave one call of 4 x 90 = 360 padded tokens; two calls cost 67 + 3 x 5 + 67 + 90 = 239.
    const lengths = [90, 5, 5, 5];
    expect(lengthBatches(lengths, { batchSize: 32, tokenBudget: 2048, callOverhead: 67 })).toEqual([[1, 2, 3], [0]]);
  });

  it("keeps every index once, sorted by length within and across calls, within batchSize and tokenBudget", () => {
    const random = seeded(3);
    const lengths = Array.from({ length: 500 }, () => 1 + Math.floor(random() * 128));
    const batches = lengthBatches(lengths, { batchSize: 32, tokenBudget: 32 * 64, callOverhead: 67 });
    expect(batches.flat().sort((a, b) => a - b)).toEqual(Array.from(lengths.keys()));
    const flat = batches.flat().map((index) => lengths[index]!);
    expect(flat).toEqual([...flat].sort((a, b) => a - b));
    for (const batch of batches) {
      expect(batch.length).toBeLessThanOrEqual(32);
      expect(batch.length * Math.max(...batch.map((index) => lengths[index]!))).toBeLessThanOrEqual(32 * 64);
    }
  });

  it("gives an item longer than the budget a call of its own", () => {
    expect(lengthBatches([10, 500, 12], { batchSize: 8, tokenBudget: 100, callOverhead: 67 })).toEqual([[0, 2], [1]]);
  });

  it("keeps each call of a grouping whole when that call's items are cut again alone (the cache's recompute)", () => {
    const random = seeded(11);
    for (let trial = 0; trial < 50; trial++) {
      const lengths = Array.from({ length: 200 }, () => 1 + Math.floor(random() * 128));
      const options = { batchSize: 16, tokenBudget: 16 * 64, callOverhead: 67 };
      for (const batch of lengthBatches(lengths, options)) {
        const alone = batch.map((index) => lengths[index]!);
        expect(lengthBatches(alone, options)).toEqual([alone.map((_, position) => position)]);
      }
    }
  });

  it("with a very large overhead, makes the fewest calls", () => {
    const lengths = Array.from({ length: 100 }, (_, index) => (index * 37) % 101);
    expect(lengthBatches(lengths, { batchSize: 16, tokenBudget: Number.POSITIVE_INFINITY, callOverhead: 1e9 })).toHaveLength(7);
    expect(lengthBatches([], { batchSize: 16, tokenBudget: 100, callOverhead: 67 })).toEqual([]);
  });
});
