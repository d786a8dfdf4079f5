import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmbedder } from "@muffler/embeddings";
import { MFRB, initializeParameters, saveRouterBundle } from "@muffler/model";
import { describe, expect, it } from "vitest";
import { EASY_WIN_RATE, FakeEmbedder, HARD_WIN_RATE, STRONG, WEAK, fixtureManifest, fixtureParameters, fixtureRouter } from "./__fixtures__/fake-router.ts";
import { Router } from "./router.ts";

describe("Router.route", () => {
  it("sends a prompt to the strong model when its win rate reaches the threshold, else to the weak one", async () => {
    const { router } = fixtureRouter();
    const hard = await router.route("a hard proof", { threshold: 0.5 });
    expect(hard.model).toBe(STRONG);
    expect(hard.winRate).toBeCloseTo(HARD_WIN_RATE, 6);
    expect(hard.threshold).toBe(0.5);
    const easy = await router.route("say hi", { threshold: 0.5 });
    expect(easy).toEqual({ model: WEAK, winRate: expect.closeTo(EASY_WIN_RATE, 6), threshold: 0.5 });
    // A win rate equal to the threshold goes to the strong model.
    expect((await router.route("half", { threshold: 0.5 })).model).toBe(STRONG);
    expect((await router.route("a hard proof", { threshold: 0.9 })).model).toBe(WEAK);
  });

  it("routes OpenAI messages on the last user message by default, and on other turns when asked", async () => {
    const { router, embedder } = fixtureRouter();
    const messages = [
      { role: "system", content: "You are helpful." },
      { role: "user", content: "a hard question" },
      { role: "assistant", content: "answer" },
      { role: "user", content: [{ type: "text", text: "thanks" }] },
    ];
    expect((await router.route(messages, { threshold: 0.5 })).model).toBe(WEAK);
    expect(embedder.batches.at(-1)).toEqual(["thanks"]);
    expect((await router.route(messages, { threshold: 0.5, turns: "all-user" })).model).toBe(STRONG);
    expect(embedder.batches.at(-1)).toEqual(["a hard question\n\nthanks"]);
  });

  it("maps a strong-model percent to the calibrated threshold, interpolating between calibrated points", async () => {
    const { router } = fixtureRouter();
    expect(router.threshold({ strongPercent: 50 })).toBe(0.5);
    expect(router.threshold({ strongPercent: 25 })).toBeCloseTo(0.725, 9);
    expect((await router.route("say hi", { strongPercent: 100 })).model).toBe(STRONG);
    expect((await router.route("a hard proof", { strongPercent: 0 })).model).toBe(WEAK);
  });

  it("rejects thresholds out of range and percents a bundle without calibration cannot honour", async () => {
    const { router } = fixtureRouter();
    await expect(router.route("x", { threshold: 1.5 })).rejects.toMatchObject({ code: "router/invalid-threshold" });
    await expect(router.route("x", { strongPercent: -1 })).rejects.toMatchObject({ code: "router/invalid-strong-percent" });
    const uncalibrated = new Router({ parameters: fixtureParameters(), manifest: fixtureManifest({ thresholds: [] }), embedder: new FakeEmbedder() });
    await expect(uncalibrated.route("x", { strongPercent: 30 })).rejects.toMatchObject({ code: "router/not-calibrated" });
  });

  it("never routes by percent with thresholds calibrated for other weights (router/stale-thresholds); explicit thresholds still work", async () => {
    const [current, old] = ["a".repeat(64), "b".repeat(64)];
    const stamped = (hash: string) => fixtureManifest().thresholds!.map((entry) => ({ ...entry, weightsHash: hash }));
    const stale = new Router({ parameters: fixtureParameters(), manifest: fixtureManifest({ weightsHash: current, thresholds: stamped(old) }), embedder: new FakeEmbedder() });
    expect(stale.calibratedThresholds).toEqual([]);
    await expect(stale.route("x", { strongPercent: 50 })).rejects.toMatchObject({ code: "router/stale-thresholds", location: { field: "strongPercent" } });
    expect((await stale.route("a hard proof", { threshold: 0.5 })).model).toBe(STRONG);
    const fresh = new Router({ parameters: fixtureParameters(), manifest: fixtureManifest({ weightsHash: current, thresholds: stamped(current) }), embedder: new FakeEmbedder() });
    expect(fresh.threshold({ strongPercent: 50 })).toBe(0.5);
  });

  it("rejects empty input and text over the prompt limit", async () => {
    const { router } = fixtureRouter({ maxPromptChars: 10 });
    await expect(router.route("   ", { threshold: 0.5 })).rejects.toMatchObject({ code: "router/empty-input" });
    await expect(router.route([{ role: "system", content: "x" }], { threshold: 0.5 })).rejects.toMatchObject({ code: "router/empty-input" });
    await expect(router.route("a".repeat(11), { threshold: 0.5 })).rejects.toMatchObject({ code: "router/prompt-too-long" });
  });

  it("shares one embedding batch between concurrent calls", async () => {
    const { router, embedder } = fixtureRouter({ maxWaitMs: 5, maxBatchSize: 64 });
    const prompts = Array.from({ length: 20 }, (_, index) => (index % 2 === 0 ? `hard ${index}` : `easy ${index}`));
    const decisions = await Promise.all(prompts.map((prompt) => router.route(prompt, { threshold: 0.5 })));
    expect(decisions.map((decision) => decision.model)).toEqual(prompts.map((prompt) => (prompt.startsWith("hard") ? STRONG : WEAK)));
    expect(embedder.batches.length).toBe(1);
    expect(embedder.batches[0]).toEqual(prompts);
  });

  it("caps batches at maxBatchSize", async () => {
    const { router, embedder } = fixtureRouter({ maxWaitMs: 5, maxBatchSize: 8 });
    await Promise.all(Array.from({ length: 20 }, (_, index) => router.route(`p${index}`, { threshold: 0.5 })));
    expect(embedder.batches.map((batch) => batch.length)).toEqual([8, 8, 4]);
  });

  it("answers with the strong model when the embedder fails (fail-safe), or throws when told to", async () => {
    const failures: unknown[] = [];
    const { router, embedder } = fixtureRouter({ onFailSafe: (error) => failures.push(error) });
    embedder.failing = true;
    expect(await router.route("say hi", { threshold: 0.5 })).toEqual({ model: STRONG, winRate: null, threshold: 0.5, failSafe: "embedding-failed" });
    expect(failures).toHaveLength(1);
    embedder.failing = false;
    expect((await router.route("say hi", { threshold: 0.5 })).model).toBe(WEAK);

    const broken = fixtureRouter();
    broken.embedder.embed = async (texts) => texts.map(() => Float32Array.from([Number.NaN, 0, 0, 0]));
    expect(await broken.router.route("say hi", { threshold: 0.5 })).toMatchObject({ model: STRONG, failSafe: "embedding-failed" });

    const strict = fixtureRouter({ onEmbeddingFailure: "throw" });
    strict.embedder.failing = true;
    await expect(strict.router.route("say hi", { threshold: 0.5 })).rejects.toMatchObject({ code: "router/embedding-failed" });
  });

  it("sends only the prompt that breaks the embedder to the fail-safe, not its whole micro-batch", async () => {
    const { router, embedder } = fixtureRouter({ maxWaitMs: 5 });
    embedder.poison = "poison";
    const decisions = await Promise.all(["hard a", "easy b", "poison c", "hard d"].map((prompt) => router.route(prompt, { threshold: 0.5 })));
    expect(decisions.map((decision) => decision.failSafe ?? decision.model)).toEqual([STRONG, WEAK, "embedding-failed", STRONG]);
    expect(embedder.batches[0]).toHaveLength(4);
  });

  it("refuses threshold and strongPercent together (typed error), as POST /v1/route does", async () => {
    const { router } = fixtureRouter();
    await expect(router.route("x", { threshold: 0.5, strongPercent: 50 } as never)).rejects.toMatchObject({ code: "router/missing-threshold" });
    await expect(router.routeBatch(["x"], { threshold: 0.5, strongPercent: 50 } as never)).rejects.toMatchObject({ code: "router/missing-threshold" });
  });

  it("routes a batch with one embedding call", async () => {
    const { router, embedder } = fixtureRouter();
    const decisions = await router.routeBatch(["hard a", "easy b", [{ role: "user", content: "hard c" }]], { strongPercent: 50 });
    expect(decisions.map((decision) => decision.model)).toEqual([STRONG, WEAK, STRONG]);
    expect(embedder.batches).toHaveLength(1);
  });

  it("refuses an embedder whose dimension differs from the router's, and a manifest whose models do not match", () => {
    const embedder = new FakeEmbedder();
    Object.defineProperty(embedder, "dimension", { value: 8 });
    expect(() => new Router({ parameters: fixtureParameters(), manifest: fixtureManifest(), embedder })).toThrow(/8-d vectors.*4-d/);
    expect(() => new Router({ parameters: fixtureParameters(), manifest: fixtureManifest({ strongModel: "nope" }), embedder: new FakeEmbedder() })).toThrow(
      /must be two different names/,
    );
  });

  it("loads through the bundle loader and creates the embedder the manifest names", async () => {
    const asked: string[] = [];
    const router = await Router.load({
      directory: "/runs/x/router",
      loadBundle: async (directory) => {
        asked.push(directory);
        return { parameters: fixtureParameters(), manifest: fixtureManifest() };
      },
      createEmbedder: async (spec) => {
        asked.push(spec.name);
        return new FakeEmbedder();
      },
    });
    expect(asked).toEqual(["/runs/x/router", "fake"]);
    expect(router.embedderId).toBe("fake-v1");
    expect((await router.route("hard", { threshold: 0.5 })).model).toBe(STRONG);
    await router.close();
    await expect(router.route("hard", { threshold: 0.5 })).rejects.toMatchObject({ code: "router/closed" });
  });
});

describe("Router.load on a bundle saved by @muffler/model", () => {
  it("loads router.json + router.safetensors, creates the manifest's embedder, and agrees with MFRB", async () => {
    const directory = await mkdtemp(join(tmpdir(), "muffler-router-"));
    try {
      const embedder = await createEmbedder("lexical");
      const models = ["model-a", "model-b", "model-c"];
      const parameters = initializeParameters({ models, hidden: 16, dimension: embedder.dimension, seed: 3 });
      await saveRouterBundle(directory, {
        parameters,
        manifest: {
          format: "muffler-router",
          version: 1,
          models,
          strongModel: "model-c",
          weakModel: "model-a",
          hidden: 16,
          dimension: embedder.dimension,
          embedder: { id: embedder.id, name: "lexical", dimension: embedder.dimension },
        },
      });
      const router = await Router.load({ directory });
      const prompts = ["What is 2 + 2?", "Prove that there are infinitely many primes.", "Write a haiku about rust."];
      const reference = new MFRB(parameters);
      const vectors = await embedder.embed(prompts);
      for (const [index, prompt] of prompts.entries()) {
        const expected = reference.winRate(2, 0, vectors[index]!);
        const decision = await router.route(prompt, { threshold: expected });
        expect(decision.winRate).toBeCloseTo(expected, 5);
      }
      await router.close();
      // Another embedder than the one the bundle was trained with is refused.
      await expect(Router.load({ directory, embedder: Object.assign(new FakeEmbedder(), { dimension: embedder.dimension }) })).rejects.toMatchObject({
        code: "router/bad-bundle",
      });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
