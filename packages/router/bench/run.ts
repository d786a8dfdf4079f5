// pnpm bench:server: load on POST /v1/route (autocannon, 32 connections, 20 s, distinct prompts of 20 to 400
// characters) with the default embedder (use-lite) and with lexical, a 60 s memory-flatness run, and the library's
// route() latency. Writes bench-results/server.json. Not a test: figures depend on the machine and its load.
import { fork } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { writeJsonAtomic } from "@muffler/core";
import { createEmbedder } from "@muffler/embeddings";
import { initializeParameters, saveRouterBundle } from "@muffler/model";
import autocannon, { type Result as AutocannonResult } from "autocannon";
import { Router } from "../src/router.ts";
import { benchmarkPrompts } from "./prompts.ts";

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const FLATNESS_SECONDS = Number(process.env.BENCH_FLATNESS_SECONDS ?? 60);
const EMBEDDERS = (process.env.BENCH_EMBEDDERS ?? "use-lite,lexical").split(",");
const OUTPUT = join(import.meta.dirname, "../../../bench-results/server.json");
const STRONG = "gpt-4-1106-preview";
const WEAK = "mistralai/Mixtral-8x7B-Instruct-v0.1";

interface LoadResult {
  concurrency: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  rssMbStart: number;
  rssMbEnd: number;
}

/** A router bundle with freshly initialized parameters: routing speed does not depend on training. */
async function makeFixture(directory: string, embedderName: string): Promise<void> {
  const embedder = await createEmbedder(embedderName);
  const models = [STRONG, WEAK].sort();
  await saveRouterBundle(directory, {
    parameters: initializeParameters({ models, hidden: 128, dimension: embedder.dimension, seed: 0 }),
    manifest: {
      format: "muffler-router",
      version: 1,
      models,
      strongModel: STRONG,
      weakModel: WEAK,
      hidden: 128,
      dimension: embedder.dimension,
      embedder: { id: embedder.id, name: embedderName, dimension: embedder.dimension },
    },
  });
  await embedder.dispose?.();
}

interface Child {
  url: string;
  rssMb(): Promise<number>;
  close(): Promise<void>;
}

async function startChild(directory: string): Promise<Child> {
  const child = fork(join(import.meta.dirname, "serve-child.ts"), [directory], {
    execArgv: ["--conditions=@muffler/source", "--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("message", (message: { type: string; url: string }) => resolve(message.url));
    child.once("exit", (code) => reject(new Error(`the server process exited with code ${code}`)));
  });
  return {
    url,
    rssMb: () =>
      new Promise((resolve) => {
        child.once("message", (message: { rssBytes: number }) => resolve(message.rssBytes / 2 ** 20));
        child.send({ type: "rss" });
      }),
    close: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.send({ type: "close" });
      }),
  };
}

async function load(url: string, seconds: number, prompts: string[]): Promise<AutocannonResult> {
  let next = 0;
  return autocannon({
    url: `${url}/v1/route`,
    connections: CONCURRENCY,
    duration: seconds,
    timeout: 30,
    requests: [
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ threshold: 0.5, prompt: prompts[next++ % prompts.length] }) }),
      },
    ],
  });
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

async function benchEmbedder(name: string, directory: string, prompts: string[]): Promise<{ load: LoadResult; flatness?: { seconds: number; rssMb: number[] } }> {
  const child = await startChild(directory);
  try {
    // Warm up (model graph compilation, JIT) with prompts the measured run does not use: two bursts of `CONCURRENCY`
    // requests, each awaited, so that no backlog of warm-up requests is left to slow the measured run.
    const warmUp = benchmarkPrompts({ count: CONCURRENCY * 2, seed: 99 });
    for (let burst = 0; burst < 2; burst++) {
      await Promise.all(
        warmUp.slice(burst * CONCURRENCY, (burst + 1) * CONCURRENCY).map((prompt) =>
          fetch(`${child.url}/v1/route`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ threshold: 0.5, prompt }) }).then((response) => response.arrayBuffer()),
        ),
      );
    }
    const rssMbStart = await child.rssMb();
    const result = await load(child.url, SECONDS, prompts);
    const rssMbEnd = await child.rssMb();
    const loadResult: LoadResult = {
      concurrency: CONCURRENCY,
      seconds: round(result.duration, 2),
      requests: result.requests.total,
      requestsPerSecond: round(result.requests.total / result.duration),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      errors: result.errors + result.timeouts + result.non2xx,
      rssMbStart: round(rssMbStart),
      rssMbEnd: round(rssMbEnd),
    };
    let flatness: { seconds: number; rssMb: number[] } | undefined;
    if (FLATNESS_SECONDS > 0) {
      const samples: number[] = [await child.rssMb()];
      const running = load(child.url, FLATNESS_SECONDS, benchmarkPrompts({ count: 100_000, seed: 7 }));
      const timer = setInterval(() => void child.rssMb().then((rss) => samples.push(round(rss))), 10_000);
      await running;
      clearInterval(timer);
      samples.push(round(await child.rssMb()));
      flatness = { seconds: FLATNESS_SECONDS, rssMb: samples.map((sample) => round(sample)) };
    }
    return { load: loadResult, ...(flatness !== undefined && { flatness }) };
  } finally {
    await child.close();
  }
}

/** The embedder alone, in this process: prompts per second over batches of the concurrency's size (the server's bound). */
async function embedderThroughput(name: string, prompts: string[]): Promise<{ promptsPerSecond: number; prompts: number; batchSize: number }> {
  const embedder = await createEmbedder(name);
  try {
    await embedder.embed(prompts.slice(0, 8));
    const sample = prompts.slice(1000, 1000 + CONCURRENCY * 4);
    const started = performance.now();
    for (let index = 0; index < sample.length; index += CONCURRENCY) await embedder.embed(sample.slice(index, index + CONCURRENCY));
    return { promptsPerSecond: round(sample.length / ((performance.now() - started) / 1000)), prompts: sample.length, batchSize: CONCURRENCY };
  } finally {
    await embedder.dispose?.();
  }
}

async function routeLatency(directory: string): Promise<{ p50Ms: number; p90Ms: number; runs: number }> {
  const router = await Router.load({ directory, maxWaitMs: 0 });
  try {
    const prompt = "What is the capital of France?";
    for (let index = 0; index < 10; index++) await router.route(`${prompt} ${index}`, { threshold: 0.5 });
    const times: number[] = [];
    for (let index = 0; index < 100; index++) {
      const started = performance.now();
      await router.route(prompt, { threshold: 0.5 });
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return { p50Ms: round(times[49]!, 3), p90Ms: round(times[89]!, 3), runs: times.length };
  } finally {
    await router.close();
  }
}

const root = await mkdtemp(join(tmpdir(), "muffler-bench-server-"));
try {
  const prompts = benchmarkPrompts({ count: 50_000, seed: 1 });
  const results: Record<string, LoadResult> = {};
  const routeP50: Record<string, { p50Ms: number; p90Ms: number; runs: number }> = {};
  const embedderAlone: Record<string, { promptsPerSecond: number; prompts: number; batchSize: number }> = {};
  const memoryFlatness: Record<string, { seconds: number; rssMb: number[] }> = {};
  for (const name of EMBEDDERS) {
    const directory = join(root, name);
    await makeFixture(directory, name);
    routeP50[name] = await routeLatency(directory);
    embedderAlone[name] = await embedderThroughput(name, prompts);
    const { load: loadResult, flatness } = await benchEmbedder(name, directory, prompts);
    results[name] = loadResult;
    if (flatness !== undefined) memoryFlatness[name] = flatness;
    console.log(`${name}: ${loadResult.requestsPerSecond} req/s, p50 ${loadResult.p50Ms} ms, p99 ${loadResult.p99Ms} ms, errors ${loadResult.errors}, rss ${loadResult.rssMbStart} -> ${loadResult.rssMbEnd} MB; route() p50 ${routeP50[name]!.p50Ms} ms; embedder alone ${embedderAlone[name]!.promptsPerSecond} prompts/s`);
  }
  const output = {
    command: "pnpm bench:server",
    endpoint: "POST /v1/route",
    prompts: "distinct, 20 to 400 characters (seeded)",
    ...results,
    memoryFlatness,
    routeLatency: { prompt: "What is the capital of France?", ...routeP50 },
    embedderAlone,
    machine: { node: process.version, cpus: (await import("node:os")).cpus().length, loadAverage1m: round(loadavg()[0]!, 2) },
    measuredAt: new Date().toISOString(),
  };
  await writeJsonAtomic(OUTPUT, output);
  console.log(["", "embedder   req/s   p50 ms  p99 ms  errors  rss MB start -> end  route() p50 ms"]
    .concat(Object.entries(results).map(([name, r]) => `${name.padEnd(9)} ${String(r.requestsPerSecond).padStart(6)} ${String(r.p50Ms).padStart(8)} ${String(r.p99Ms).padStart(7)} ${String(r.errors).padStart(7)}  ${r.rssMbStart} -> ${r.rssMbEnd}  ${routeP50[name]!.p50Ms}`))
    .join("\n"));
  for (const [name, flatness] of Object.entries(memoryFlatness)) console.log(`memory over ${flatness.seconds} s under load (${name}): ${flatness.rssMb.join(", ")} MB`);
  console.log(`wrote ${OUTPUT}`);
} finally {
  await rm(root, { recursive: true, force: true });
}
