import { describe, expect, it } from "vitest";
import { estimateInputTokens, estimateRequestCost, expectedOutputTokensFromCosts, validateCandidates } from "./candidate.ts";
import { MODEL_ERROR_CODES } from "./errors.ts";
import { candidatesFromLiteLLM } from "./litellm-prices.ts";

describe("candidates", () => {
  it("a request's cost is input tokens (chars / 4, rounded up) x input price + expected output x output price", () => {
    expect(estimateInputTokens("12345")).toBe(2);
    const candidate = { model: "m", inputCostPerToken: 1e-5, outputCostPerToken: 3e-5, expectedOutputTokens: 100 };
    expect(estimateRequestCost(candidate, 10)).toBeCloseTo(1e-4 + 3e-3, 12);
  });

  it("expected output tokens are learned back from costs: (cost - input part) / output price", () => {
    // prompts of 8 and 4 characters: 2 and 1 input tokens at $1e-6; answers of 100 and 300 tokens at $2e-6
    const prompts = ["abcdefgh", "abcd"];
    const costs = [2e-6 + 100 * 2e-6, 1e-6 + 300 * 2e-6];
    expect(expectedOutputTokensFromCosts({ prompts, costs, inputCostPerToken: 1e-6, outputCostPerToken: 2e-6 })).toBeCloseTo(200, 9);
    expect(expectedOutputTokensFromCosts({ prompts, costs, inputCostPerToken: 1e-6, outputCostPerToken: 2e-6, rows: [1] })).toBeCloseTo(300, 9);
  });

  it("invalid candidates are typed errors naming the field", () => {
    expect(() => validateCandidates([{ model: "m", inputCostPerToken: -1, outputCostPerToken: 0, expectedOutputTokens: 1 }])).toThrow(
      expect.objectContaining({ code: MODEL_ERROR_CODES.badCandidate, location: { field: "candidates.0.inputCostPerToken" } }),
    );
    const ok = { model: "m", inputCostPerToken: 0, outputCostPerToken: 0, expectedOutputTokens: 1 };
    expect(() => validateCandidates([ok, ok])).toThrow(expect.objectContaining({ code: MODEL_ERROR_CODES.badCandidate }));
    expect(() => validateCandidates([])).toThrow(expect.objectContaining({ code: MODEL_ERROR_CODES.badCandidate }));
  });
});

describe("candidatesFromLiteLLM", () => {
  // The shape of LiteLLM's model_prices_and_context_window.json (two entries and its sample_spec).
  const table = {
    sample_spec: { max_tokens: "LEGACY", input_cost_per_token: 0.0, output_cost_per_token: 0.0, litellm_provider: "one of https://docs.litellm.ai/docs/providers", mode: "chat" },
    "gpt-4-1106-preview": { max_tokens: 4096, max_input_tokens: 128000, max_output_tokens: 4096, input_cost_per_token: 1e-5, output_cost_per_token: 3e-5, litellm_provider: "openai", mode: "chat" },
    "anthropic.claude-instant-v1": { max_output_tokens: 8191, input_cost_per_token: 8e-7, output_cost_per_token: 2.4e-6, litellm_provider: "bedrock", mode: "chat" },
    "dall-e-3": { mode: "image_generation", output_cost_per_image: 0.04 },
  };

  it("reads the per-token prices of each key", () => {
    expect(
      candidatesFromLiteLLM({
        table,
        candidates: [
          { model: "gpt-4-1106-preview", expectedOutputTokens: 500 },
          { model: "claude-instant-1", key: "anthropic.claude-instant-v1", expectedOutputTokens: 400 },
        ],
      }),
    ).toEqual([
      { model: "gpt-4-1106-preview", inputCostPerToken: 1e-5, outputCostPerToken: 3e-5, expectedOutputTokens: 500 },
      { model: "claude-instant-1", inputCostPerToken: 8e-7, outputCostPerToken: 2.4e-6, expectedOutputTokens: 400 },
    ]);
  });

  it("an absent key, an entry without token prices, or a table that is not an object: model/bad-price-table", () => {
    const bad = (options: Parameters<typeof candidatesFromLiteLLM>[0]) => expect(() => candidatesFromLiteLLM(options)).toThrow(expect.objectContaining({ code: MODEL_ERROR_CODES.badPriceTable }));
    bad({ table, candidates: [{ model: "gpt-5", expectedOutputTokens: 1 }] });
    bad({ table, candidates: [{ model: "dall-e-3", expectedOutputTokens: 1 }] });
    bad({ table: [table], candidates: [] });
  });
});
