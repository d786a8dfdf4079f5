// Saves a router bundle, loads it back and routes two prompts.
// Run: node --conditions=@muffler/source --import tsx examples/route-with-bundle.ts
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initializeParameters, loadRouterBundle, MFRB, saveRouterBundle } from "@muffler/model";

const directory = await mkdtemp(join(tmpdir(), "muffler-model-example-"));
try {
  const parameters = initializeParameters({ models: ["gpt-4-1106-preview", "mixtral-8x7b-instruct-v0.1"], hidden: 128, dimension: 8, seed: 1 });
  await saveRouterBundle(directory, {
    parameters,
    manifest: {
      format: "muffler-router",
      version: 1,
      models: parameters.models,
      strongModel: "gpt-4-1106-preview",
      weakModel: "mixtral-8x7b-instruct-v0.1",
      hidden: 128,
      dimension: 8,
      embedder: { id: "example", name: "example", dimension: 8 },
    },
  });
  const { parameters: loaded, manifest } = await loadRouterBundle(directory, { embedderDimension: 8 });
  const router = new MFRB(loaded);
  const strong = router.modelId(manifest.strongModel);
  const weak = router.modelId(manifest.weakModel);
  const prompts = new Float32Array([0.5, 0.5, 0.5, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, -0.5, -0.5, -0.5, -0.5]);
  const rates = router.winRates(strong, weak, prompts);
  console.log(`win rates of ${manifest.strongModel} over ${manifest.weakModel}: ${Array.from(rates, (rate) => rate.toFixed(4)).join(", ")}`);
} finally {
  await rm(directory, { recursive: true, force: true });
}
