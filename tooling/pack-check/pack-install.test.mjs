// Packages as users install them: build and `pnpm pack` the published packages, install the tarballs with npm into a
// fresh project outside the workspace, and route a prompt with @muffler/router and @muffler/ai-sdk from plain Node
// (no tsx, no source condition, no workspace links). Run: `pnpm test:pack` (node's test runner; CI runs it after
// `pnpm check`). Needs the npm registry for the packages' own dependencies (npm's cache serves repeats).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** The packages a user installs to route from the AI SDK, with everything they depend on inside the workspace. */
const PACKAGES = ["core", "embeddings", "model", "metrics", "router", "ai-sdk"];

function run(command, args, options = {}) {
  return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20, ...options });
}

test("the packed packages install with npm outside the workspace and route from plain Node", { timeout: 900_000 }, (t) => {
  const work = mkdtempSync(join(tmpdir(), "muffler-pack-"));
  let started = performance.now();
  const step = (name) => {
    t.diagnostic(`${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    started = performance.now();
  };
  try {
    run("pnpm", ["--filter", "@muffler/ai-sdk...", "run", "build"], { cwd: root });
    step("build (tsc) of the six packages");
    const tarballs = join(work, "tarballs");
    for (const name of PACKAGES) run("pnpm", ["pack", "--pack-destination", tarballs], { cwd: join(root, "packages", name) });
    step("pnpm pack");
    const files = readdirSync(tarballs);
    const dependencies = {};
    for (const name of PACKAGES) {
      const file = files.find((entry) => entry.startsWith(`muffler-${name}-`) && entry.endsWith(".tgz"));
      assert.ok(file, `pnpm pack wrote no tarball for @muffler/${name} (found: ${files.join(", ")})`);
      dependencies[`@muffler/${name}`] = `file:${join(tarballs, file)}`;
    }
    // A packed package names its workspace dependencies by version (pnpm pack rewrites workspace:*): no workspace link
    // is left for npm to follow.
    const packedRouter = JSON.parse(run("tar", ["-xzOf", dependencies["@muffler/router"].slice(5), "package/package.json"]));
    assert.match(packedRouter.dependencies["@muffler/core"], /^\d+\.\d+\.\d+/);
    const aiVersion = JSON.parse(readFileSync(join(root, "packages/ai-sdk/node_modules/ai/package.json"), "utf8")).version;

    const project = join(work, "project");
    run("mkdir", ["-p", project]);
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "muffler-user", private: true, type: "module", dependencies: { ...dependencies, ai: aiVersion }, overrides: { ...dependencies } }, null, 2),
    );
    run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], {
      cwd: project,
      env: { ...process.env, ONNXRUNTIME_NODE_INSTALL_CUDA: "skip", npm_config_update_notifier: "false" },
    });
    step("npm install of the tarballs and ai");

    writeFileSync(
      join(project, "route.mjs"),
      `import { routedModel } from "@muffler/ai-sdk";
import { createEmbedder } from "@muffler/embeddings";
import { initializeParameters, saveRouterBundle } from "@muffler/model";
import { Router } from "@muffler/router";
import { generateText } from "ai";
import { MockLanguageModelV4 } from "ai/test";

const directory = new URL("./router", import.meta.url).pathname;
const embedder = await createEmbedder("lexical");
const models = ["gpt-4-1106-preview", "mixtral-8x7b-instruct-v0.1"];
await saveRouterBundle(directory, {
  parameters: initializeParameters({ models, dimension: embedder.dimension, seed: 0 }),
  manifest: { format: "muffler-router", version: 1, models, strongModel: models[0], weakModel: models[1], hidden: 128, dimension: embedder.dimension,
    embedder: { id: embedder.id, name: "lexical", dimension: embedder.dimension } },
});
const router = await Router.load({ directory });
const prompt = "Prove that the square root of 2 is irrational.";
const decision = await router.route(prompt, { threshold: 0.5 });
const usage = { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } };
const mock = (text) => new MockLanguageModelV4({ modelId: text, doGenerate: async () => ({ content: [{ type: "text", text }], finishReason: { unified: "stop", raw: "stop" }, usage, warnings: [] }) });
const model = routedModel({ router, models: { strong: mock("strong"), weak: mock("weak") }, threshold: 0.5 });
const result = await generateText({ model, prompt });
await router.close();
console.log(JSON.stringify({ decision, text: result.text, muffler: result.providerMetadata?.muffler,
  resolved: { router: import.meta.resolve("@muffler/router"), aiSdk: import.meta.resolve("@muffler/ai-sdk") } }));
`,
    );
    const output = JSON.parse(run(process.execPath, ["route.mjs"], { cwd: project }).trim().split("\n").at(-1));
    step("routing from plain Node");
    const inProject = pathToFileURL(join(project, "node_modules")).href;
    assert.ok(output.resolved.router.startsWith(inProject), `@muffler/router resolved to ${output.resolved.router}, not inside the project`);
    assert.ok(output.resolved.aiSdk.startsWith(inProject), `@muffler/ai-sdk resolved to ${output.resolved.aiSdk}, not inside the project`);
    assert.ok(output.resolved.router.includes("/dist/"), "the installed router runs from its built dist/");
    assert.ok(["gpt-4-1106-preview", "mixtral-8x7b-instruct-v0.1"].includes(output.decision.model));
    assert.ok(typeof output.decision.winRate === "number" && output.decision.winRate > 0 && output.decision.winRate < 1);
    assert.equal(output.muffler.model, output.decision.model);
    assert.equal(output.muffler.winRate, output.decision.winRate);
    assert.equal(output.text, output.decision.model === "gpt-4-1106-preview" ? "strong" : "weak");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
