import { MufflerError } from "@muffler/core";
import { z } from "zod";
import type { Candidate } from "./candidate.ts";
import { MODEL_ERROR_CODES } from "./errors.ts";

/**
 * One entry of LiteLLM's price table (`model_prices_and_context_window.json`, BerriAI/litellm): the fields Muffler
 * reads. The table is an object keyed by model name (`"gpt-4o"`, `"anthropic.claude-v2:1"`, ...), with a
 * `sample_spec` entry documenting the fields; other fields are kept but not used.
 */
export const liteLLMPriceEntrySchema = z.looseObject({
  input_cost_per_token: z.number().finite().nonnegative().optional(),
  output_cost_per_token: z.number().finite().nonnegative().optional(),
  max_output_tokens: z.number().optional(),
  litellm_provider: z.string().optional(),
  mode: z.string().optional(),
});
export type LiteLLMPriceEntry = z.infer<typeof liteLLMPriceEntrySchema>;

/** One candidate to price from the table. */
export interface LiteLLMCandidateRequest {
  /** The model's name in the router. */
  model: string;
  /** Its key in the table. @default `model` */
  key?: string;
  /** Expected answer length in tokens. */
  expectedOutputTokens: number;
}

/** Options of {@link candidatesFromLiteLLM}. */
export interface CandidatesFromLiteLLMOptions {
  /** The parsed JSON of `model_prices_and_context_window.json` (or a part of it). */
  table: unknown;
  candidates: readonly LiteLLMCandidateRequest[];
  /** Names the table in errors. @default "price table" */
  source?: string;
}

/**
 * Candidates priced from LiteLLM's price table: `input_cost_per_token` and `output_cost_per_token` of each key.
 * @throws MufflerError `model/bad-price-table` when the table is not an object, a key is absent, or an entry has no
 *   per-token prices
 */
export function candidatesFromLiteLLM(options: CandidatesFromLiteLLMOptions): Candidate[] {
  const source = options.source ?? "price table";
  if (typeof options.table !== "object" || options.table === null || Array.isArray(options.table)) {
    throw new MufflerError(`${source} must be an object keyed by model name (LiteLLM's model_prices_and_context_window.json).`, { code: MODEL_ERROR_CODES.badPriceTable, file: source });
  }
  const table = options.table as Record<string, unknown>;
  return options.candidates.map(({ model, key = model, expectedOutputTokens }) => {
    if (!Object.hasOwn(table, key)) {
      throw new MufflerError(`${source} has no entry "${key}" (for candidate "${model}").`, {
        code: MODEL_ERROR_CODES.badPriceTable,
        file: source,
        field: key,
        hint: "Use the table's exact key, for example \"gpt-4o\" or \"anthropic.claude-v2:1\".",
      });
    }
    const parsed = liteLLMPriceEntrySchema.safeParse(table[key]);
    if (!parsed.success || parsed.data.input_cost_per_token === undefined || parsed.data.output_cost_per_token === undefined) {
      throw new MufflerError(`${source} entry "${key}" has no numeric input_cost_per_token and output_cost_per_token.`, { code: MODEL_ERROR_CODES.badPriceTable, file: source, field: key });
    }
    if (!Number.isFinite(expectedOutputTokens) || expectedOutputTokens < 0) {
      throw new MufflerError(`candidate "${model}": expectedOutputTokens must be a number >= 0.`, { code: MODEL_ERROR_CODES.badCandidate, field: `${model}.expectedOutputTokens` });
    }
    return { model, inputCostPerToken: parsed.data.input_cost_per_token, outputCostPerToken: parsed.data.output_cost_per_token, expectedOutputTokens };
  });
}
