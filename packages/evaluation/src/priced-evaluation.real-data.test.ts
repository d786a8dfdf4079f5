import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPricedBenchmark } from "@muffler/data";
import { describe, expect, it } from "vitest";
import { embedTexts } from "./embed-texts.ts";
import { crossValidatePriced } from "./priced-evaluation.ts";

const shared = fileURLToPath(new URL("../../../../shared/data/", import.meta.url));
const present = existsSync(join(shared, "arena-bench-priced"));
if (!present) console.warn(`SKIPPED: the priced real-data checks need ${shared} (../shared/data), which is absent.`);

// The README figures use use-lite (`muffler evaluate --benchmark ../shared/data/<folder> --cv 5`); this check uses
// the lexical embedder so that it runs in seconds without a model file, and asserts what must hold on any embedder.
describe.skipIf(!present)("priced 5-fold CV on the shared folders (lexical embedder)", () => {
  // arena-bench trains 11 models: 3 epochs of a smaller MF keep the check within seconds (README figures: defaults)
  it.each([
    ["arena-bench-priced", { epochs: 3, hidden: 32 }],
    ["routerarena", {}],
  ] as const)(
    "%s: single models as in SOURCE.md, router between random and the oracle, budgets near their targets",
    async (name, training) => {
      const benchmark = await loadPricedBenchmark({ path: join(shared, name) });
      const embedded = await embedTexts({ embedder: "lexical", texts: benchmark.prompts });
      const result = await crossValidatePriced({ benchmark, embeddings: embedded.data, dimension: embedded.dimension, k: 5, seed: 0, settings: { training } });
      expect(result.rows).toBe(benchmark.prompts.length);
      expect(result.singleModels).toHaveLength(benchmark.models.length);
      const first = result.singleModels[0]!;
      if (name === "arena-bench-priced") expect([first.quality, first.costPer1k]).toEqual([expect.closeTo(0.8896, 4), expect.closeTo(22.841, 3)]);
      else expect([first.quality, first.costPer1k]).toEqual([expect.closeTo(0.5087, 4), expect.closeTo(0.1776, 4)]);
      expect(result.arenaScore).toBeGreaterThan(result.random.arenaScore);
      expect(result.oracle.arenaScore).toBeGreaterThan(result.arenaScore);
      expect(result.parts.reduce((sum, part) => sum + part.testRows, 0)).toBe(benchmark.prompts.length);
      for (const budget of result.budgets.filter((entry) => entry.reachable)) expect(budget.costPer1k).toBeLessThan(2 * budget.targetCostPer1k);
    },
    60_000,
  );
});
