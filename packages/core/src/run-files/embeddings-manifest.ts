import { z } from "zod";
import { embedderSpecSchema } from "./router-manifest.ts";

/** `embeddings/<split>.json`: describes `embeddings/<split>.f32` (raw little-endian float32, row-major). */
export const runEmbeddingsManifestSchema = z.looseObject({
  format: z.literal("muffler-embeddings"),
  version: z.literal(1),
  split: z.enum(["train", "test"]),
  embedderId: z.string(),
  /** The name the embedder was created from (`use-lite`, `lexical`, `st:...`, `use-lite+lexical`). */
  embedderName: z.string(),
  /** The embedder as `{ name, options }` (absent in files written before 2026-12: `{ name: embedderName }`). */
  embedder: embedderSpecSchema.optional(),
  dimension: z.number().int().min(1),
  rows: z.number().int().nonnegative(),
  promptsHash: z.string(),
  dataSha256: z.string(),
  createdAt: z.string(),
});
export type RunEmbeddingsManifest = z.infer<typeof runEmbeddingsManifestSchema>;
