// pnpm bench:server: load on POST /v1/route (autocannon, 32 connections, 20 s, distinct prompts of 20 to 400
// characters) with the default embedder (use-lite) and with lexical, an overload run at 256 connections (accepted
// requests' p99, 503s with Retry-After, requests without an answer), a 60 s memory-flatness run, and the library's
// route() latency. Writes bench-results/server.json. Not a test: figures depend on the machine and its load.
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { writeJsonAtomic } from "@muffler/core";
import { createEmbedder } from "@muffler/embeddings";
import { Router } from "../src/router.ts";
import { type ServerProcess, makeBenchBundle, startServerProcess } from "./bench-server.ts";
import { type LoadRun, runLoad } from "./load.ts";
import { benchmarkPrompts } from "./prompts.ts";

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const FLATNESS_SECONDS = Number(process.env.BENCH_FLATNESS_SECONDS ?? 60);
const EMBEDDERS = (process.env.BENCH_EMBEDDERS ?? "use-lite,lexical").split(",");
const OVERLOAD_CONNECTIONS = Number(process.env.BENCH_OVERLOAD_CONNECTIONS ?? 256);
/** The server's maxQueuedRequests (its default, 64, when unset). */
const MAX_QUEUED = process.env.BENCH_MAX_QUEUED === undefined ? undefined : Number(process.env.BENCH_MAX_QUEUED);
/** The server's overloadRefusalDelayMs (its default, 100, when unset). */
const REFUSAL_DELAY_MS = process.env.BENCH_REFUSAL_DELAY_MS === undefined ? undefined : Number(process.env.BENCH_REFUSAL_DELAY_MS);
const OUTPUT = join(import.meta.dirname, "../../../bench-results/server.json");

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

interface OverloadResult {
  connections: number;
  maxQueuedRequests: number;
  overloadRefusalDelayMs: number;
  seconds: number;
  statuses: Record<string, number>;
  acceptedPerSecond: number;
  acceptedP50Ms: number;
  acceptedP99Ms: number;
  refusedWithoutRetryAfter: number;
  unanswered: number;
}

function routeLoad(url: string, connections: number, seconds: number, prompts: string[]): Promise<LoadRun> {
  let next = 0;
  return runLoad({ url: `${url}/v1/route`, connections, seconds, body: () => JSON.stringify({ threshold: 0.5, prompt: prompts[next++ % prompts.length] }) });
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

async function warmUp(child: ServerProcess): Promise<void> {
  // Model graph compilation, JIT: two bursts of `CONCURRENCY` requests with prompts the measured run does not use,
  // each awaited, so that no backlog of warm-up requests is left to slow the measured run.
  const prompts = benchmarkPrompts({ count: CONCURRENCY * 2, seed: 99 });
  for (let burst = 0; burst < 2; burst++) {
    await Promise.all(
      prompts.slice(burst * CONCURRENCY, (burst + 1) * CONCURRENCY).map((prompt) =>
        fetch(`${child.url}/v1/route`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ threshold: 0.5, prompt }) }).then((response) => response.arrayBuffer()),
      ),
    );
  }
}

async function benchEmbedder(
  name: string,
  directory: string,
  prompts: string[],
): Promise<{ load: LoadResult; overload?: OverloadResult; flatness?: { seconds: number; rssMb: number[] } }> {
  const child = await startServerProcess(directory, {
    ...(MAX_QUEUED !== undefined && { maxQueuedRequests: MAX_QUEUED }),
    ...(REFUSAL_DELAY_MS !== undefined && { overloadRefusalDelayMs: REFUSAL_DELAY_MS }),
  });
  try {
    await warmUp(child);
    const rssMbStart = await child.rssMb();
    const result = await routeLoad(child.url, CONCURRENCY, SECONDS, prompts);
    const rssMbEnd = await child.rssMb();
    const answered = Object.values(result.statuses).reduce((sum, count) => sum + count, 0);
    const loadResult: LoadResult = {
      concurrency: CONCURRENCY,
      seconds: result.seconds,
      requests: answered,
      requestsPerSecond: round(answered / result.seconds),
      p50Ms: result.acceptedP50Ms,
      p99Ms: result.allP99Ms,
      errors: answered - (result.statuses["200"] ?? 0) + result.unanswered,
      rssMbStart: round(rssMbStart),
      rssMbEnd: round(rssMbEnd),
    };
    let overload: OverloadResult | undefined;
    if (OVERLOAD_CONNECTIONS > 0) {
      const run = await routeLoad(child.url, OVERLOAD_CONNECTIONS, SECONDS, benchmarkPrompts({ count: 100_000, seed: 3 }));
      overload = {
        connections: OVERLOAD_CONNECTIONS,
        maxQueuedRequests: MAX_QUEUED ?? 64,
        overloadRefusalDelayMs: REFUSAL_DELAY_MS ?? 100,
        seconds: run.seconds,
        statuses: run.statuses,
        acceptedPerSecond: run.acceptedPerSecond,
        acceptedP50Ms: run.acceptedP50Ms,
        acceptedP99Ms: run.acceptedP99Ms,
        refusedWithoutRetryAfter: run.refusedWithoutRetryAfter,
        unanswered: run.unanswered,
      };
    }
    let flatness: { seconds: number; rssMb: number[] } | undefined;
    if (FLATNESS_SECONDS > 0) {
      const samples: number[] = [await child.rssMb()];
      const running = routeLoad(child.url, CONCURRENCY, FLATNESS_SECONDS, benchmarkPrompts({ count: 100_000, seed: 7 }));
      const timer = setInterval(() => void child.rssMb().then((rss) => samples.push(round(rss))), 10_000);
      await running;
      clearInterval(timer);
      samples.push(round(await child.rssMb()));
      flatness = { seconds: FLATNESS_SECONDS, rssMb: samples.map((sample) => round(sample)) };
    }
    return { load: loadResult, ...(overload !== undefined && { overload }), ...(flatness !== undefined && { flatness }) };
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
  const overloads: Record<string, OverloadResult> = {};
  const loadAtStart = round(loadavg()[0]!, 2);
  for (const name of EMBEDDERS) {
    const directory = join(root, name);
    await makeBenchBundle(directory, name);
    routeP50[name] = await routeLatency(directory);
    embedderAlone[name] = await embedderThroughput(name, prompts);
    const { load: loadResult, overload, flatness } = await benchEmbedder(name, directory, prompts);
    results[name] = loadResult;
    if (overload !== undefined) overloads[name] = overload;
    if (flatness !== undefined) memoryFlatness[name] = flatness;
    console.log(`${name}: ${loadResult.requestsPerSecond} req/s, p50 ${loadResult.p50Ms} ms, p99 ${loadResult.p99Ms} ms, errors ${loadResult.errors}, rss ${loadResult.rssMbStart} -> ${loadResult.rssMbEnd} MB; route() p50 ${routeP50[name]!.p50Ms} ms; embedder alone ${embedderAlone[name]!.promptsPerSecond} prompts/s`);
  }
  const output = {
    command: "pnpm bench:server",
    endpoint: "POST /v1/route",
    prompts: "distinct, 20 to 400 characters (seeded)",
    ...results,
    overload: overloads,
    memoryFlatness,
    routeLatency: { prompt: "What is the capital of France?", ...routeP50 },
    embedderAlone,
    machine: { node: process.version, cpus: (await import("node:os")).cpus().length, loadAverage1m: { start: loadAtStart, end: round(loadavg()[0]!, 2) } },
    measuredAt: new Date().toISOString(),
  };
  await writeJsonAtomic(OUTPUT, output);
  console.log(["", "embedder   req/s   p50 ms  p99 ms  errors  rss MB start -> end  route() p50 ms"]
    .concat(Object.entries(results).map(([name, r]) => `${name.padEnd(9)} ${String(r.requestsPerSecond).padStart(6)} ${String(r.p50Ms).padStart(8)} ${String(r.p99Ms).padStart(7)} ${String(r.errors).padStart(7)}  ${r.rssMbStart} -> ${r.rssMbEnd}  ${routeP50[name]!.p50Ms}`))
    .join("\n"));
  for (const [name, run] of Object.entries(overloads)) {
    console.log(`overload (${name}, ${run.connections} connections, maxQueuedRequests ${run.maxQueuedRequests}, overloadRefusalDelayMs ${run.overloadRefusalDelayMs}): statuses ${JSON.stringify(run.statuses)}, accepted ${run.acceptedPerSecond}/s, accepted p50 ${run.acceptedP50Ms} ms, p99 ${run.acceptedP99Ms} ms, 503 without Retry-After ${run.refusedWithoutRetryAfter}, unanswered ${run.unanswered}`);
  }
  console.log(`load average (1 min): ${loadAtStart} at start, ${round(loadavg()[0]!, 2)} at end`);
  for (const [name, flatness] of Object.entries(memoryFlatness)) console.log(`memory over ${flatness.seconds} s under load (${name}): ${flatness.rssMb.join(", ")} MB`);
  console.log(`wrote ${OUTPUT}`);
} finally {
  await rm(root, { recursive: true, force: true });
}
