import { z } from "zod";

/**
 * An embedder as a file stores it: its name and the options it was created with, so that `createEmbedder(spec)`
 * (@muffler/embeddings) rebuilds the same one. `options` has the shape of `CreateEmbedderOptions` (`{ useLite:
 * { quantize: "ffn" } }`); core keeps it opaque, the embeddings package validates it.
 */
export const embedderSpecSchema = z.object({
  /** `use-lite`, `lexical`, `st:<model>`, or several joined by `+` (`use-lite+lexical`). */
  name: z.string().min(1),
  /** @default {} (every option at its default: what a file written before options were stored means) */
  options: z.record(z.string(), z.unknown()).optional(),
});
export type EmbedderSpec = z.infer<typeof embedderSpecSchema>;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "a sha256 in lowercase hex");

/** One calibrated threshold of router.json. */
export const calibratedThresholdSchema = z.looseObject({
  /** The target share of strong calls, 0 to 100. */
  strongPercent: z.number().min(0).max(100),
  /** Route to the strong model when `winRate >= threshold`. */
  threshold: z.number().finite(),
  /** What the win rates came from: `test` or a prompts file. */
  calibratedOn: z.string(),
  /** The sha256 of the router.safetensors the threshold was calibrated for (absent in bundles written before 2026-12). */
  weightsHash: sha256Hex.optional(),
});
export type RouterManifestThreshold = z.infer<typeof calibratedThresholdSchema>;

const usd = z.number().finite().nonnegative();

/** Platt scaling of a candidate's MF logit to its expected score (decision 0009). */
export const qualityCalibrationSchema = z.object({
  intercept: z.number().finite(),
  slope: z.number().finite(),
  scoreRange: z.tuple([z.number().finite(), z.number().finite()]),
});

/** A priced candidate of router.json: USD per input/output token, expected answer length, and its calibration. */
export const routerCandidateSchema = z.object({
  model: z.string().min(1),
  inputCostPerToken: usd,
  outputCostPerToken: usd,
  expectedOutputTokens: usd,
  calibration: qualityCalibrationSchema,
});

/** A budget (USD per 1,000 requests) calibrated on traffic to a tradeoff lambda. */
export const budgetLambdaSchema = z.object({ usdPer1kRequests: usd, lambda: usd, calibratedOn: z.string() });

/** `router/router.json`: what a router bundle is (models, dimensions, embedder, weights hash) and how it was made. */
export const routerManifestSchema = z.looseObject({
  format: z.literal("muffler-router"),
  version: z.literal(1),
  models: z.array(z.string().min(1)).min(1),
  strongModel: z.string().min(1),
  weakModel: z.string().min(1),
  hidden: z.number().int().positive(),
  dimension: z.number().int().positive(),
  /** The embedder as `{ name, options }` plus the id and dimension it gave, checked when it is rebuilt. */
  embedder: embedderSpecSchema.extend({ id: z.string().min(1), dimension: z.number().int().positive() }),
  /** The sha256 of router.safetensors, written with it (absent in bundles written before 2026-12). */
  weightsHash: sha256Hex.optional(),
  training: z.record(z.string(), z.unknown()).optional(),
  dataHash: z.string().optional(),
  metrics: z.record(z.string(), z.number()).optional(),
  thresholds: z.array(calibratedThresholdSchema).optional(),
  /** N-candidate routing: the models a policy may choose, with prices and calibrations (a subset of `models`). */
  candidates: z.array(routerCandidateSchema).optional(),
  /** Budgets (USD per 1,000 requests) calibrated to tradeoff lambdas on traffic. */
  budgets: z.array(budgetLambdaSchema).optional(),
});
export type RouterManifest = z.infer<typeof routerManifestSchema>;
