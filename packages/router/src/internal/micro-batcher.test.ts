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

  it("isolates a failing item: the other items of its batch still get their results", async () => {
    const calls: string[][] = [];
    const batcher = new MicroBatcher<string, string>({
      maxBatchSize: 64,
      maxWaitMs: 5,
      run: async (items) => {
        calls.push(items);
        if (items.includes("poison")) throw new Error("poisoned batch");
        return items.map((item) => item.toUpperCase());
      },
    });
    const items = ["a", "b", "poison", "c", "d", "e"];
    const settled = await Promise.allSettled(items.map((item) => batcher.submit(item)));
    expect(settled.map((result) => (result.status === "fulfilled" ? result.value : "rejected"))).toEqual(["A", "B", "rejected", "C", "D", "E"]);
    expect((settled[2] as PromiseRejectedResult).reason).toMatchObject({ message: "poisoned batch" });
    expect(calls[0]).toEqual(items);
    // Halving, not one call per item: the clean halves run whole.
    expect(calls.length).toBeLessThan(items.length + 1);
  });

  it("rejects every caller when every item fails, and goes on with the next batch", async () => {
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
  it("runs up to maxConcurrentBatches batches at once, the waiting items shared evenly among the free ones", async () => {
    let running = 0;
    let most = 0;
    const batches: number[][] = [];
    const releases: (() => void)[] = [];
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 64,
      maxWaitMs: 1,
      maxConcurrentBatches: 2,
      run: async (items) => {
        batches.push(items);
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
        return items;
      },
    });
    const first = Array.from({ length: 10 }, (_, index) => batcher.submit(index + 1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Ten items at once and two free slots: two batches of five, not one of ten beside an idle slot.
    expect(batches).toEqual([
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10],
    ]);
    const later = [11, 12, 13].map((item) => batcher.submit(item));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(batcher.pending).toBe(3);
    releases.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(batches.at(-1)).toEqual([11, 12, 13]);
    while (releases.length > 0) {
      releases.shift()!();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await Promise.all([...first, ...later])).toEqual(Array.from({ length: 13 }, (_, index) => index + 1));
    expect(most).toBe(2);
  });
});
