import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cosine } from "./internal/l2-normalize.ts";
import { createUseLiteEmbedder } from "./use-lite-embedder.ts";

const PROMPTS = Array.from({ length: 48 }, (_, index) => `Prompt ${index}: ${"explain how a router picks a model for this request and why. ".repeat(1 + (index % 5))}`);

/** The longest time the event loop went without running a 1 ms interval while `work` ran. */
async function longestEventLoopGap(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(longest, performance.now() - last);
}

describe("use-lite on onnxruntime worker threads", () => {
  let inWorkers: Awaited<ReturnType<typeof createUseLiteEmbedder>>;
  let onCallingThread: Awaited<ReturnType<typeof createUseLiteEmbedder>>;

  beforeAll(async () => {
    inWorkers = await createUseLiteEmbedder({ workers: 2, threads: 1 });
    onCallingThread = await createUseLiteEmbedder({ workers: 0, threads: 1 });
    await inWorkers.embed(PROMPTS.slice(0, 4));
    await onCallingThread.embed(PROMPTS.slice(0, 4));
  });
  afterAll(async () => {
    await inWorkers?.dispose?.();
    await onCallingThread?.dispose?.();
  });

  it("gives the same bits as a session on the calling thread with the same threads", async () => {
    const [fromWorkers, fromCallingThread] = [await inWorkers.embed(PROMPTS, { batchSize: 16 }), await onCallingThread.embed(PROMPTS, { batchSize: 16 })];
    fromWorkers.forEach((vector, index) => expect(Buffer.from(vector.buffer).equals(Buffer.from(fromCallingThread[index]!.buffer)), `prompt ${index}`).toBe(true));
    const defaults = await createUseLiteEmbedder({ workers: 0 });
    const [vector] = await defaults.embed([PROMPTS[7]!]);
    expect(cosine(vector!, fromWorkers[7]!)).toBeGreaterThan(0.99999);
    await defaults.dispose?.();
  });

  it("keeps the event loop free while it embeds (on the calling thread each model call blocks it)", async () => {
    const blocked = await longestEventLoopGap(() => onCallingThread.embed(PROMPTS, { batchSize: 48 }));
    const free = await longestEventLoopGap(() => inWorkers.embed(PROMPTS, { batchSize: 48 }));
    expect(blocked).toBeGreaterThan(20);
    expect(free).toBeLessThan(blocked / 2);
  });

  it("runs as many model calls at once as it has workers (the router keeps that many batches in flight)", () => {
    expect(inWorkers.concurrency).toBe(2);
    expect(onCallingThread.concurrency).toBe(1);
  });

  it("rejects workers and threads that are not whole numbers in range, naming the option", async () => {
    await expect(createUseLiteEmbedder({ workers: -1 })).rejects.toMatchObject({ code: "embeddings/bad-option", location: { field: "workers" } });
    await expect(createUseLiteEmbedder({ workers: 1.5 })).rejects.toMatchObject({ code: "embeddings/bad-option", location: { field: "workers" } });
    await expect(createUseLiteEmbedder({ threads: 0 })).rejects.toMatchObject({ code: "embeddings/bad-option", location: { field: "threads" } });
  });

  it("refuses to embed once disposed, with a typed error", async () => {
    const embedder = await createUseLiteEmbedder({ workers: 1 });
    await embedder.dispose?.();
    await expect(embedder.embed(["hello"])).rejects.toMatchObject({ code: "embeddings/model-run-failed" });
  });

  it("does not keep the process alive: a script that never disposes it exits when its work is done", async () => {
    const script = [
      `const { createUseLiteEmbedder } = await import(${JSON.stringify(join(import.meta.dirname, "use-lite-embedder.ts"))});`,
      "const embedder = await createUseLiteEmbedder({ workers: 2 });",
      'const [vector] = await embedder.embed(["hello world"]);',
      "console.log(vector.length);",
    ].join("\n");
    const { stdout } = await promisify(execFile)(process.execPath, ["--conditions=@muffler/source", "--import", "tsx", "--input-type=module", "-e", script], {
      timeout: 60_000,
      cwd: join(import.meta.dirname, ".."),
    });
    expect(stdout.trim()).toBe("512");
  });
});
