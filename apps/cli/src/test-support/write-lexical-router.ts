import { join } from "node:path";
import { createEmbedder } from "@muffler/embeddings";
import { type MFParameters, type RouterManifest, initializeParameters, saveRouterBundle } from "@muffler/model";

/**
 * Writes a small untrained router bundle (H = 8, seeded) for the `lexical` embedder into `<directory>/router`, with the
 * models `strong-model` and `weak-model`: what the route and serve command tests run against.
 */
export async function writeLexicalRouter(directory: string, thresholds?: RouterManifest["thresholds"]): Promise<{ routerDirectory: string; parameters: MFParameters }> {
  const embedder = await createEmbedder("lexical");
  const models = ["strong-model", "weak-model"];
  const parameters = initializeParameters({ models, hidden: 8, dimension: embedder.dimension, seed: 1 });
  const routerDirectory = join(directory, "router");
  await saveRouterBundle(routerDirectory, {
    parameters,
    manifest: {
      format: "muffler-router",
      version: 1,
      models,
      strongModel: "strong-model",
      weakModel: "weak-model",
      hidden: 8,
      dimension: embedder.dimension,
      embedder: { id: embedder.id, name: "lexical", dimension: embedder.dimension },
      ...(thresholds !== undefined && { thresholds }),
    },
  });
  return { routerDirectory, parameters };
}
