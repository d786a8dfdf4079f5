import type { LanguageModelV4GenerateResult, LanguageModelV4StreamPart, LanguageModelV4Usage } from "@ai-sdk/provider";
import { simulateReadableStream } from "ai";
import { MockLanguageModelV4 } from "ai/test";

const usage: LanguageModelV4Usage = {
  inputTokens: { total: 3, noCache: 3, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 2, text: 2, reasoning: 0 },
};

/** A mock model (the SDK's MockLanguageModelV4) that answers `answer`, in one piece or as a stream of two deltas. */
export function mockModel(modelId: string, answer: string, supportedUrls: Record<string, RegExp[]> = {}): MockLanguageModelV4 {
  const generate: LanguageModelV4GenerateResult = {
    content: [{ type: "text", text: answer }],
    finishReason: { unified: "stop", raw: "stop" },
    usage,
    warnings: [],
    providerMetadata: { mock: { answeredBy: modelId } },
  };
  const half = Math.ceil(answer.length / 2);
  const chunks: LanguageModelV4StreamPart[] = [
    { type: "stream-start", warnings: [] },
    { type: "text-start", id: "t" },
    { type: "text-delta", id: "t", delta: answer.slice(0, half) },
    { type: "text-delta", id: "t", delta: answer.slice(half) },
    { type: "text-end", id: "t" },
    { type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage, providerMetadata: { mock: { answeredBy: modelId } } },
  ];
  return new MockLanguageModelV4({
    provider: "mock",
    modelId,
    supportedUrls,
    doGenerate: async () => generate,
    doStream: async () => ({ stream: simulateReadableStream({ chunks }) }),
  });
}
