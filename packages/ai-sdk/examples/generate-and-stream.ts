// Route AI SDK calls with a Muffler router: generateText and streamText, offline.
// Run from the repository root:
//   node --conditions=@muffler/source --import tsx packages/ai-sdk/examples/generate-and-stream.ts [runs/<name>/router]
// Without a router directory it makes a throwaway bundle (untrained parameters, the lexical embedder). The two models
// are the AI SDK's mock models here; put your providers' models in their place (openai("gpt-4o"), ollama("llama3")...).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMuffler, routedModel } from "@muffler/ai-sdk";
import { createEmbedder } from "@muffler/embeddings";
import { initializeParameters, saveRouterBundle } from "@muffler/model";
import { Router } from "@muffler/router";
import { createProviderRegistry, generateText, simulateReadableStream, streamText } from "ai";
import { MockLanguageModelV4 } from "ai/test";

let directory = process.argv[2];
let temporary: string | undefined;
if (directory === undefined) {
  temporary = await mkdtemp(join(tmpdir(), "muffler-ai-sdk-"));
  directory = join(temporary, "router");
  const embedder = await createEmbedder("lexical");
  const models = ["gpt-4-1106-preview", "mixtral-8x7b-instruct-v0.1"];
  await saveRouterBundle(directory, {
    parameters: initializeParameters({ models, dimension: embedder.dimension, seed: 0 }),
    manifest: {
      format: "muffler-router",
      version: 1,
      models,
      strongModel: models[0]!,
      weakModel: models[1]!,
      hidden: 128,
      dimension: embedder.dimension,
      embedder: { id: embedder.id, name: "lexical", dimension: embedder.dimension },
    },
  });
}

/** A stand-in for a provider's model: answers with its own name, in one piece or streamed word by word. */
function fakeModel(modelId: string): MockLanguageModelV4 {
  const text = `(an answer from ${modelId})`;
  const usage = { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } };
  const finishReason = { unified: "stop" as const, raw: "stop" };
  return new MockLanguageModelV4({
    provider: "example",
    modelId,
    doGenerate: async () => ({ content: [{ type: "text", text }], finishReason, usage, warnings: [] }),
    doStream: async () => ({
      stream: simulateReadableStream({
        chunks: [
          { type: "text-start", id: "0" },
          ...text.split(/(?= )/).map((delta) => ({ type: "text-delta" as const, id: "0", delta })),
          { type: "text-end", id: "0" },
          { type: "finish", finishReason, usage },
        ],
      }),
    }),
  });
}

const router = await Router.load({ directory });
const models = { strong: fakeModel("gpt-4o"), weak: fakeModel("gpt-4o-mini") };
const model = routedModel({ router, models, threshold: 0.5 });

// 1. generateText: the router picks the model; providerMetadata.muffler says which and why.
for (const prompt of ["Prove that the square root of 2 is irrational.", "hi!"]) {
  const { text, providerMetadata } = await generateText({ model, prompt });
  console.log(`generateText(${JSON.stringify(prompt)}) -> ${text}`, providerMetadata?.muffler);
}

// 2. streamText, with a per-call threshold (0 sends everything to the strong model).
const stream = streamText({ model, prompt: "hi!", providerOptions: { muffler: { threshold: 0 } } });
let streamed = "";
for await (const delta of stream.textStream) streamed += delta;
console.log(`streamText -> ${streamed}`, (await stream.providerMetadata)?.muffler);

// 3. A provider in a registry: model ids are RouteLLM's router names.
const registry = createProviderRegistry({ muffler: createMuffler({ router, models }) });
const viaRegistry = await generateText({ model: registry.languageModel("muffler:router-mf-0.11593"), prompt: "hi!" });
console.log("registry muffler:router-mf-0.11593 ->", viaRegistry.providerMetadata?.muffler);

await router.close();
if (temporary !== undefined) await rm(temporary, { recursive: true, force: true });
