import { MufflerError, routerCandidateSchema } from "@muffler/core";
import { MODEL_ERROR_CODES } from "./errors.ts";

/** A model the router may choose, with its list prices and how long its answers are expected to be. */
export interface Candidate {
  /** The model's name as the router was trained on it. */
  model: string;
  /** USD per input token. */
  inputCostPerToken: number;
  /** USD per output token. */
  outputCostPerToken: number;
  /** Expected answer length in tokens (learned from data with lengths, else configured). */
  expectedOutputTokens: number;
}

/** zod schema of a {@link Candidate}: router.json's candidate (the run-directory contract in @muffler/core) without its calibration. */
export const candidateSchema = routerCandidateSchema.omit({ calibration: true });

/** Checks a list of candidates: at least one, each valid, no model twice. @throws MufflerError `model/bad-candidate` */
export function validateCandidates(candidates: readonly unknown[], field = "candidates"): Candidate[] {
  if (candidates.length === 0) throw new MufflerError("no candidate: give at least one model with its prices.", { code: MODEL_ERROR_CODES.badCandidate, field });
  const seen = new Set<string>();
  return candidates.map((value, index) => {
    const parsed = candidateSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new MufflerError(`candidate ${index} is invalid: ${issue.message}.`, {
        code: MODEL_ERROR_CODES.badCandidate,
        field: `${field}.${index}.${issue.path.join(".")}`,
        hint: "Each candidate is { model, inputCostPerToken, outputCostPerToken, expectedOutputTokens }, numbers >= 0 (USD per token).",
      });
    }
    if (seen.has(parsed.data.model)) throw new MufflerError(`candidate "${parsed.data.model}" is named twice.`, { code: MODEL_ERROR_CODES.badCandidate, field: `${field}.${index}.model` });
    seen.add(parsed.data.model);
    return parsed.data;
  });
}

/**
 * The input token count used for prices when no tokenizer is at hand: ceil(characters / 4), the usual rough
 * approximation (the one the shared priced benchmarks used to cost their queries).
 */
export function estimateInputTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** USD of one request to a candidate: input tokens x input price + expected output tokens x output price. */
export function estimateRequestCost(candidate: Candidate, inputTokens: number): number {
  return inputTokens * candidate.inputCostPerToken + candidate.expectedOutputTokens * candidate.outputCostPerToken;
}

/** Options of {@link expectedOutputTokensFromCosts}. */
export interface ExpectedOutputTokensOptions {
  /** The prompts of the observed requests. */
  prompts: readonly string[];
  /** USD each request cost with this model (one per prompt). */
  costs: ArrayLike<number>;
  inputCostPerToken: number;
  outputCostPerToken: number;
  /** The rows to learn from. @default every prompt */
  rows?: ArrayLike<number>;
}

/**
 * Learns a model's expected answer length from data that carries costs: per request, output tokens =
 * (cost - input tokens x input price) / output price (0 when negative), averaged. Input tokens are
 * {@link estimateInputTokens}. A model with a zero output price gets 0.
 */
export function expectedOutputTokensFromCosts(options: ExpectedOutputTokensOptions): number {
  if (options.outputCostPerToken <= 0) return 0;
  const rows = options.rows ?? Int32Array.from(options.prompts, (_, row) => row);
  if (rows.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const input = estimateInputTokens(options.prompts[row]!) * options.inputCostPerToken;
    sum += Math.max(0, options.costs[row]! - input) / options.outputCostPerToken;
  }
  return sum / rows.length;
}
