import { describe, expect, it } from "vitest";
import { MicroBatcher } from "./micro-batcher.ts";

describe("MicroBatcher", () => {
  it("runs items that arrive while a batch runs as the next batch, and keeps each caller's result", async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 100,
      maxWaitMs: 1,
      run: async (items) => {
        batches.push(items);
        if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return items.map((item) => item * 10);
      },
    });
    const first = batcher.submit(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const later = [2, 3, 4].map((item) => batcher.submit(item));
    expect(batcher.pending).toBe(3);
    release();
    expect(await Promise.all([first, ...later])).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it("rejects every caller of a failed batch and goes on with the next", async () => {
    let fail = true;
    const batcher = new MicroBatcher<string, string>({
      maxBatchSize: 10,
      maxWaitMs: 0,
      run: async (items) => {
        if (fail) throw new Error("boom");
        return items;
      },
    });
    await expect(batcher.submit("a")).rejects.toThrow("boom");
    fail = false;
    expect(await batcher.submit("b")).toBe("b");
  });
});
