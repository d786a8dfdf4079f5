import { z } from "zod";

/** router.json: what a router bundle is (models, dimensions, embedder) and how it was made. */
export const routerManifestSchema = z.looseObject({
  format: z.literal("muffler-router"),
  version: z.literal(1),
  models: z.array(z.string().min(1)).min(1),
  strongModel: z.string().min(1),
  weakModel: z.string().min(1),
  hidden: z.number().int().positive(),
  dimension: z.number().int().positive(),
  embedder: z.object({ id: z.string().min(1), name: z.string().min(1), dimension: z.number().int().positive() }),
  training: z.record(z.string(), z.unknown()).optional(),
  dataHash: z.string().optional(),
  metrics: z.record(z.string(), z.number()).optional(),
  thresholds: z.array(z.object({ strongPercent: z.number(), threshold: z.number(), calibratedOn: z.string() })).optional(),
});

export type RouterManifest = z.infer<typeof routerManifestSchema>;
