import { isMufflerError } from "@muffler/core";
import { generateText, streamText } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import { EASY_WIN_RATE, fixtureRouter, HARD_WIN_RATE, STRONG, WEAK } from "./__fixtures__/fixture-router.ts";
import { mockModel } from "./__fixtures__/mock-models.ts";
import { routedModel, type RoutedModelOptions } from "./routed-model.ts";

function setup(options: Partial<RoutedModelOptions> = {}, routerOptions: Parameters<typeof fixtureRouter>[0] = {}) {
  const { router, embedder } = fixtureRouter(routerOptions);
  const strong = mockModel("strong-model", "strong answer");
  const weak = mockModel("weak-model", "weak answer");
  const model = routedModel({ router, models: { strong, weak }, threshold: 0.5, ...options });
  return { model, router, embedder, strong, weak };
}

async function codeOf(promise: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    return isMufflerError(error) ? error.code : `not a MufflerError: ${String(error)}`;
  }
  return "no error";
}

describe("routedModel with generateText", () => {
  it("sends a prompt the router scores hard to the strong model and reports the decision", async () => {
    const { model, strong, weak } = setup();
    const result = await generateText({ model, prompt: "a hard proof" });
    expect(result.text).toBe("strong answer");
    expect(strong.doGenerateCalls).toHaveLength(1);
    expect(weak.doGenerateCalls).toHaveLength(0);
    expect(result.providerMetadata?.muffler).toEqual({ model: STRONG, role: "strong", modelId: "strong-model", winRate: HARD_WIN_RATE, threshold: 0.5, failSafe: null });
    // The delegate's own metadata is kept beside Muffler's.
    expect(result.providerMetadata?.mock).toEqual({ answeredBy: "strong-model" });
  });

  it("sends an easy prompt to the weak model", async () => {
    const { model, strong, weak } = setup();
    const result = await generateText({ model, prompt: "say hi" });
    expect(result.text).toBe("weak answer");
    expect(strong.doGenerateCalls).toHaveLength(0);
    expect(weak.doGenerateCalls).toHaveLength(1);
    expect(result.providerMetadata?.muffler).toMatchObject({ model: WEAK, role: "weak", winRate: EASY_WIN_RATE, threshold: 0.5 });
  });

  it("routes on the last user message by default and on every turn with turns: all", async () => {
    const instructions = "You answer hard questions.";
    const messages = [
      { role: "user" as const, content: "a hard one first" },
      { role: "assistant" as const, content: "ok" },
      { role: "user" as const, content: "and now hi" },
    ];
    const last = setup();
    expect((await generateText({ model: last.model, instructions, messages })).text).toBe("weak answer");
    expect(last.embedder.texts).toEqual(["and now hi"]);
    const all = setup({ turns: "all" });
    expect((await generateText({ model: all.model, instructions, messages })).text).toBe("strong answer");
    expect(all.embedder.texts).toEqual(["You answer hard questions.\n\na hard one first\n\nok\n\nand now hi"]);
  });

  it("passes the call to the chosen model unchanged except providerOptions.muffler", async () => {
    const { model, strong } = setup();
    await generateText({ model, prompt: "a hard proof", temperature: 0.3, maxOutputTokens: 7, providerOptions: { muffler: { threshold: 0.1 }, mock: { keep: true } } });
    const call = strong.doGenerateCalls[0]!;
    expect(call.temperature).toBe(0.3);
    expect(call.maxOutputTokens).toBe(7);
    expect(call.providerOptions).toEqual({ mock: { keep: true } });
    expect(call.prompt).toEqual([{ role: "user", content: [{ type: "text", text: "a hard proof" }] }]);
  });

  it("takes per-call overrides through providerOptions.muffler", async () => {
    const { model, strong, weak } = setup();
    const everything = await generateText({ model, prompt: "say hi", providerOptions: { muffler: { threshold: 0 } } });
    expect(everything.providerMetadata?.muffler).toMatchObject({ role: "strong", threshold: 0 });
    const calibrated = await generateText({ model, prompt: "say hi", providerOptions: { muffler: { strongPercent: 100 } } });
    expect(calibrated.providerMetadata?.muffler).toMatchObject({ role: "strong", threshold: 0 });
    const forced = await generateText({ model, prompt: "a hard proof", providerOptions: { muffler: { forceModel: "weak" } } });
    expect(forced.text).toBe("weak answer");
    expect(forced.providerMetadata?.muffler).toEqual({ model: WEAK, role: "weak", modelId: "weak-model", winRate: null, threshold: null, failSafe: null });
    expect(strong.doGenerateCalls).toHaveLength(2);
    expect(weak.doGenerateCalls).toHaveLength(1);
  });

  it("routes by a calibrated strongPercent (interpolated between calibrated points)", async () => {
    const { model } = setup({ threshold: undefined, strongPercent: 25 });
    expect(model.modelId).toBe("router-mf-strong-25");
    const result = await generateText({ model, prompt: "a hard proof" });
    expect(result.providerMetadata?.muffler).toMatchObject({ role: "strong", threshold: 0.725 });
  });

  it("answers with the strong model when the embedder fails (the router's fail-safe)", async () => {
    const { model, embedder } = setup();
    embedder.failing = true;
    const result = await generateText({ model, prompt: "say hi" });
    expect(result.text).toBe("strong answer");
    expect(result.providerMetadata?.muffler).toMatchObject({ role: "strong", winRate: null, failSafe: "embedding-failed" });
  });

  it("rejects bad per-call options with typed errors before calling a model", async () => {
    const { model, strong, weak } = setup();
    expect(await codeOf(generateText({ model, prompt: "x", providerOptions: { muffler: { threshold: 0.2, strongPercent: 10 } } }))).toBe("ai-sdk/conflicting-thresholds");
    expect(await codeOf(generateText({ model, prompt: "x", providerOptions: { muffler: { threshold: "high" } } }))).toBe("ai-sdk/invalid-call-options");
    expect(await codeOf(generateText({ model, prompt: "x", providerOptions: { muffler: { treshold: 0.2 } } }))).toBe("ai-sdk/invalid-call-options");
    expect(await codeOf(generateText({ model, prompt: "x", providerOptions: { muffler: { threshold: 2 } } }))).toBe("router/invalid-threshold");
    expect(strong.doGenerateCalls.length + weak.doGenerateCalls.length).toBe(0);
  });

  it("decide() gives the decision without calling a model", async () => {
    const { model, strong, weak } = setup();
    const decision = await model.decide({ prompt: [{ role: "user", content: [{ type: "text", text: "a hard proof" }] }] });
    expect(decision).toMatchObject({ model: STRONG, winRate: HARD_WIN_RATE });
    expect(strong.doGenerateCalls.length + weak.doGenerateCalls.length).toBe(0);
  });
});

describe("routedModel with streamText", () => {
  it("streams the chosen model's answer and puts the decision on the finish part", async () => {
    const { model, strong, weak } = setup();
    const result = streamText({ model, prompt: "a hard proof" });
    let text = "";
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe("strong answer");
    expect(strong.doStreamCalls).toHaveLength(1);
    expect(weak.doStreamCalls).toHaveLength(0);
    expect((await result.providerMetadata)?.muffler).toMatchObject({ model: STRONG, role: "strong", winRate: HARD_WIN_RATE, threshold: 0.5 });
    expect((await result.providerMetadata)?.mock).toEqual({ answeredBy: "strong-model" });
  });

  it("streams from the weak model for an easy prompt", async () => {
    const { model, weak } = setup();
    const result = streamText({ model, prompt: "say hi", providerOptions: { muffler: { threshold: 0.9 } } });
    expect(await result.text).toBe("weak answer");
    expect(weak.doStreamCalls).toHaveLength(1);
    expect((await result.providerMetadata)?.muffler).toMatchObject({ role: "weak", threshold: 0.9 });
  });
});

describe("routedModel options", () => {
  it("names itself after RouteLLM's router model names", () => {
    expect(setup().model.modelId).toBe("router-mf-0.5");
    expect(setup().model.provider).toBe("muffler");
    expect(setup({ modelId: "mine", provider: "acme" }).model.modelId).toBe("mine");
  });

  it("refuses both threshold and strongPercent, or neither", async () => {
    expect(await codeOf(() => setup({ threshold: 0.3, strongPercent: 30 }))).toBe("ai-sdk/conflicting-thresholds");
    expect(await codeOf(() => setup({ threshold: undefined }))).toBe("ai-sdk/missing-threshold");
  });

  it("checks the threshold against the router at creation", async () => {
    expect(await codeOf(() => setup({ threshold: 1.5 }))).toBe("router/invalid-threshold");
    expect(await codeOf(() => setup({ threshold: undefined, strongPercent: 30 }, { calibrated: false }))).toBe("router/not-calibrated");
    expect(await codeOf(() => setup({ threshold: undefined, strongPercent: 130 }))).toBe("router/invalid-strong-percent");
  });

  it("refuses models that are not AI SDK v4 language models", async () => {
    const { router } = fixtureRouter();
    const weak = mockModel("weak-model", "weak");
    const old = new MockLanguageModelV3();
    expect(await codeOf(() => routedModel({ router, models: { strong: old as never, weak }, threshold: 0.5 }))).toBe("ai-sdk/unsupported-model");
    expect(await codeOf(() => routedModel({ router, models: { strong: "gpt-4o" as never, weak }, threshold: 0.5 }))).toBe("ai-sdk/invalid-options");
    expect(await codeOf(() => routedModel({ router, models: undefined as never, threshold: 0.5 }))).toBe("ai-sdk/invalid-options");
    expect(await codeOf(() => routedModel({ router: {} as never, models: { strong: weak, weak }, threshold: 0.5 }))).toBe("ai-sdk/invalid-options");
  });

  it("reports the URL patterns both models support", async () => {
    const { router } = fixtureRouter();
    const pdf = /^https:\/\/files\.example\/.*$/;
    const strong = mockModel("s", "s", { "image/*": [/^https:\/\/.*$/], "application/pdf": [pdf] });
    const weak = mockModel("w", "w", { "application/pdf": [new RegExp(pdf.source), /^gs:\/\/.*$/] });
    const model = routedModel({ router, models: { strong, weak }, threshold: 0.5 });
    expect(await model.supportedUrls).toEqual({ "application/pdf": [pdf] });
  });
});
