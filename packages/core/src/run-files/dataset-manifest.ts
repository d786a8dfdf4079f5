import { z } from "zod";

/** Rows kept and dropped on the way from the input to the splits. */
export interface PreparationCounts {
  /** Data rows read from the input (or gold battles derived from a benchmark). */
  input: number;
  /** Rows dropped because they were not between the strong and the weak model. */
  otherModels: number;
  /** Ties dropped (`tiePolicy: "drop"`). */
  tiesDropped: number;
  /** Ties turned into a win (`weak-wins` / `strong-wins`). */
  tiesResolved: number;
  /** Exact duplicate battles dropped (same pair, prompt and outcome). */
  duplicates: number;
  /** Battles whose prompt is in an excluded benchmark. */
  contaminated: number;
  /** Battles kept (train + test). */
  kept: number;
}

/** `dataset/manifest.json`: what `muffler prepare` made and from what. */
export interface DatasetManifest {
  format: "muffler-dataset";
  version: 1;
  /** Sorted model names; a model's id is its index here. */
  models: string[];
  strongModel?: string;
  weakModel?: string;
  rows: { train: number; test: number; trainBalanced?: number };
  /** Share of each label (`model_a`, `model_b`) per split, before balancing. */
  labelRatios: { train: Record<string, number>; test: Record<string, number> };
  /** Label shares of the balanced train split (only when balancing was asked). */
  balancedLabelRatios?: Record<string, number>;
  /** SHA-256 of the input's bytes (for several files: of their hashes in order). */
  inputHash: string;
  /** The options the dataset was prepared with (input, pair, tie policy, split, seed, balance, ...). */
  options: Record<string, unknown>;
  /** Rows kept and dropped on the way. */
  counts?: PreparationCounts;
  createdAt: string;
}

const ratios = z.record(z.string(), z.number().min(0).max(1));
const count = z.number().int().nonnegative();

/** The zod schema of `dataset/manifest.json` (fields a newer writer adds are kept). */
export const datasetManifestSchema = z.looseObject({
  format: z.literal("muffler-dataset"),
  version: z.literal(1),
  models: z.array(z.string().min(1)).min(1),
  strongModel: z.string().optional(),
  weakModel: z.string().optional(),
  rows: z.object({ train: count, test: count, trainBalanced: count.optional() }),
  labelRatios: z.object({ train: ratios, test: ratios }),
  balancedLabelRatios: ratios.optional(),
  inputHash: z.string(),
  options: z.record(z.string(), z.unknown()),
  counts: z
    .object({
      input: z.number().int(),
      otherModels: z.number().int(),
      tiesDropped: z.number().int(),
      tiesResolved: z.number().int(),
      duplicates: z.number().int(),
      contaminated: z.number().int(),
      kept: z.number().int(),
    })
    .optional(),
  createdAt: z.string(),
}) satisfies z.ZodType<DatasetManifest>;
