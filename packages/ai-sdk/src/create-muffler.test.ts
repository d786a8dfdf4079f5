import { NoSuchModelError } from "@ai-sdk/provider";
import { isMufflerError } from "@muffler/core";
import { createProviderRegistry, customProvider, generateText } from "ai";
import { describe, expect, it } from "vitest";
import { fixtureRouter, STRONG } from "./__fixtures__/fixture-router.ts";
import { mockModel } from "./__fixtures__/mock-models.ts";
import { createMuffler } from "./create-muffler.ts";

function setup() {
  const { router } = fixtureRouter();
  const strong = mockModel("strong-model", "strong answer");
  const weak = mockModel("weak-model", "weak answer");
  return { muffler: createMuffler({ router, models: { strong, weak } }), strong, weak };
}

describe("createMuffler", () => {
  it("makes routed models from RouteLLM's router names", async () => {
    const { muffler } = setup();
    const model = muffler("router-mf-0.3");
    expect(model.modelId).toBe("router-mf-0.3");
    expect((await generateText({ model, prompt: "a hard proof" })).providerMetadata?.muffler).toMatchObject({ model: STRONG, threshold: 0.3 });
    const calibrated = muffler.languageModel("router-mf-strong-100");
    expect((await generateText({ model: calibrated, prompt: "say hi" })).providerMetadata?.muffler).toMatchObject({ role: "strong", threshold: 0 });
  });

  it("works in customProvider and createProviderRegistry", async () => {
    const { muffler, weak } = setup();
    const app = customProvider({ languageModels: { cheap: muffler("router-mf-strong-50") }, fallbackProvider: muffler });
    expect((await generateText({ model: app.languageModel("cheap"), prompt: "say hi" })).text).toBe("weak answer");
    expect(app.languageModel("router-mf-0.2").modelId).toBe("router-mf-0.2");
    const registry = createProviderRegistry({ muffler });
    const result = await generateText({ model: registry.languageModel("muffler:router-mf-0.5"), prompt: "say hi" });
    expect(result.text).toBe("weak answer");
    expect(result.providerMetadata?.muffler).toMatchObject({ threshold: 0.5 });
    // sigmoid(-2) = 0.119 reaches RouteLLM's published 0.11593: strong.
    const low = await generateText({ model: registry.languageModel("muffler:router-mf-0.11593"), prompt: "say hi" });
    expect(low.providerMetadata?.muffler).toMatchObject({ role: "strong", threshold: 0.11593 });
    expect(weak.doGenerateCalls).toHaveLength(2);
  });

  it("answers NoSuchModelError for names that are not router names, and typed errors for numbers out of range", () => {
    const { muffler } = setup();
    expect(() => muffler("gpt-4o")).toThrow(NoSuchModelError);
    expect(() => muffler.embeddingModel("x")).toThrow(NoSuchModelError);
    expect(() => muffler.imageModel("x")).toThrow(NoSuchModelError);
    const registry = createProviderRegistry({ muffler });
    expect(() => registry.languageModel("muffler:gpt-4o")).toThrow(NoSuchModelError);
    let code = "";
    try {
      muffler("router-mf-1.5");
    } catch (error) {
      code = isMufflerError(error) ? error.code : "other";
    }
    expect(code).toBe("router/invalid-threshold");
  });
});
