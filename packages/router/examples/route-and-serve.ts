// Route prompts with a router bundle, then serve it and ask the server for a decision.
// Run: node --conditions=@muffler/source --import tsx packages/router/examples/route-and-serve.ts [router-dir]
// Without a router directory it makes a throwaway bundle (untrained parameters, the lexical embedder).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmbedder } from "@muffler/embeddings";
import { initializeParameters, saveRouterBundle } from "@muffler/model";
import { Router, createServer } from "@muffler/router";

let directory = process.argv[2];
let temporary: string | undefined;
if (directory === undefined) {
  temporary = await mkdtemp(join(tmpdir(), "muffler-example-"));
  directory = join(temporary, "router");
  const embedder = await createEmbedder("lexical");
  const models = ["gpt-4-1106-preview", "mixtral-8x7b-instruct-v0.1"];
  await saveRouterBundle(directory, {
    parameters: initializeParameters({ models, dimension: embedder.dimension, seed: 0 }),
    manifest: {
      format: "muffler-router",
      version: 1,
      models,
      strongModel: models[0]!,
      weakModel: models[1]!,
      hidden: 128,
      dimension: embedder.dimension,
      embedder: { id: embedder.id, name: "lexical", dimension: embedder.dimension },
    },
  });
}

// 1. The library: one decision, and a batch.
const router = await Router.load({ directory });
const decision = await router.route("Prove that the square root of 2 is irrational.", { threshold: 0.5 });
console.log("route():", decision);
const batch = await router.routeBatch(["hi!", [{ role: "user", content: "Write a sonnet about entropy." }]], { threshold: 0.5 });
console.log("routeBatch():", batch.map((entry) => `${entry.model} (${entry.winRate?.toFixed(3)})`).join(", "));

// 2. The server (no upstreams here, so only /v1/route answers; see the README for upstreams).
const server = createServer({ router });
const url = await server.listen({ port: 0 });
const response = await fetch(`${url}/v1/route`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ model: "router-mf-0.5", messages: [{ role: "user", content: "What is 2 + 2?" }] }),
});
console.log(`POST ${url}/v1/route ->`, response.status, await response.json());
await server.close(); // also closes the router
if (temporary !== undefined) await rm(temporary, { recursive: true, force: true });
