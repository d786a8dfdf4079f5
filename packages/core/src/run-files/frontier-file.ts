import { z } from "zod";

const finite = z.number().finite();

const costQualityPointSchema = z.looseObject({ costPer1k: finite, quality: finite });
const scoredFrontierPointSchema = costQualityPointSchema.extend({ lambda: finite, arenaScore: finite });

/** `evaluation/<benchmark>/frontier.json`: the N-model priced evaluation (`muffler evaluate` on a priced folder). */
export const frontierFileSchema = z.looseObject({
  benchmark: z.string(),
  router: z.string(),
  rows: z.number().int().nonnegative(),
  arenaScore: finite,
  best: scoredFrontierPointSchema,
  frontier: z.array(scoredFrontierPointSchema).min(1),
  singleModels: z.array(costQualityPointSchema.extend({ model: z.string(), arenaScore: finite })).min(1),
  oracle: z.looseObject({ arenaScore: finite, best: scoredFrontierPointSchema, frontier: z.array(scoredFrontierPointSchema) }),
  random: costQualityPointSchema.extend({ arenaScore: finite }),
  mixingHull: z.array(costQualityPointSchema),
  areaAboveMixingHull: finite,
  halfCost: z.looseObject({ costPer1k: finite, routerShare: finite.nullable(), hullShare: finite.nullable() }),
  shares: z.array(z.object({ model: z.string(), percent: finite })),
});
export type FrontierFile = z.infer<typeof frontierFileSchema>;
