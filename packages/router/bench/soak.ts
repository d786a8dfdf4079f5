// pnpm soak:server: 60 s at 32 connections on POST /v1/chat/completions (a fifth of them streaming) with a weak fake
// upstream that fails 10% of its requests (4% HTTP 500, 3% HTTP 503, 2% a connection reset before any byte, 1% HTTP
// 429) and a healthy strong one; fallback on. What a client may see: 200s, and the relayed 429s. Anything else (or a
// request without an answer) is counted as a client-visible error. The server's RSS is sampled every 10 s.
// Writes bench-results/server-soak.json. Not a test: it takes a minute and its figures depend on the machine.
import { mkdtemp, rm } from "node:fs/promises";
import { type IncomingMessage, type ServerResponse, createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { SeededRandom, writeJsonAtomic } from "@muffler/core";
import { makeBenchBundle, startServerProcess } from "./bench-server.ts";
import { runLoad } from "./load.ts";
import { benchmarkPrompts } from "./prompts.ts";

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 32);
const EMBEDDER = process.env.SOAK_EMBEDDER ?? "use-lite";
const UPSTREAM_DELAY_MS = Number(process.env.SOAK_UPSTREAM_DELAY_MS ?? 20);
const OUTPUT = join(import.meta.dirname, "../../../bench-results/server-soak.json");

type Fault = "ok" | "500" | "503" | "reset" | "429";

/** A fake OpenAI-compatible upstream on 127.0.0.1 that answers after `UPSTREAM_DELAY_MS`, failing as `fault()` says. */
async function fakeUpstream(name: string, fault: () => Fault): Promise<{ url: string; counts: Record<Fault, number>; close(): Promise<void> }> {
  const counts: Record<Fault, number> = { ok: 0, "500": 0, "503": 0, reset: 0, "429": 0 };
  const server = createHttpServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { stream?: boolean; model: string };
      const chosen = fault();
      counts[chosen]++;
      setTimeout(() => {
        if (chosen === "reset") return void request.socket.destroy();
        if (chosen !== "ok") {
          const status = Number(chosen);
          response.writeHead(status, { "content-type": "application/json", ...(status !== 500 && { "retry-after": "2" }) });
          return void response.end(JSON.stringify({ error: { message: `fake ${name} ${status}`, type: "server_error", code: null } }));
        }
        if (body.stream === true) {
          response.writeHead(200, { "content-type": "text/event-stream" });
          for (const piece of ["reply ", "from ", name]) {
            response.write(`data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: body.model, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] })}\n\n`);
          }
          return void response.end("data: [DONE]\n\n");
        }
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ id: "c", object: "chat.completion", created: 1, model: body.model, choices: [{ index: 0, message: { role: "assistant", content: `reply from ${name}` }, finish_reason: "stop" }] }));
      }, UPSTREAM_DELAY_MS);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    counts,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const random = new SeededRandom(13);
const weak = await fakeUpstream("weak", () => {
  const draw = random.next();
  return draw < 0.04 ? "500" : draw < 0.07 ? "503" : draw < 0.09 ? "reset" : draw < 0.1 ? "429" : "ok";
});
const strong = await fakeUpstream("strong", () => "ok");
const root = await mkdtemp(join(tmpdir(), "muffler-soak-"));
try {
  const directory = join(root, EMBEDDER);
  await makeBenchBundle(directory, EMBEDDER);
  const server = await startServerProcess(directory, {
    upstreams: { strong: { baseUrl: strong.url, model: "strong" }, weak: { baseUrl: weak.url, model: "weak" } },
    fallbackToStrong: true,
  });
  try {
    const prompts = benchmarkPrompts({ count: 100_000, seed: 5 });
    let next = 0;
    // Threshold 0.5 on an untrained bundle sends most prompts one way: report the split from /metrics.
    const body = () => {
      const index = next++;
      return JSON.stringify({ model: "router-mf-0.5", messages: [{ role: "user", content: prompts[index % prompts.length] }], stream: index % 5 === 0 });
    };
    // Warm-up (graph compilation, JIT), not measured.
    await runLoad({ url: `${server.url}/v1/chat/completions`, connections: CONNECTIONS, seconds: 5, body });
    const loadBefore = loadavg()[0]!;
    const rss: number[] = [Math.round((await server.rssMb()) * 10) / 10];
    const timer = setInterval(() => void server.rssMb().then((value) => rss.push(Math.round(value * 10) / 10)), 10_000);
    const run = await runLoad({ url: `${server.url}/v1/chat/completions`, connections: CONNECTIONS, seconds: SECONDS, body });
    clearInterval(timer);
    rss.push(Math.round((await server.rssMb()) * 10) / 10);
    const loadAfter = loadavg()[0]!;
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const series = (name: string) => metrics.split("\n").filter((line) => line.startsWith(name) && !line.startsWith("#"));
    const clientVisibleErrors = Object.entries(run.statuses).filter(([status]) => status !== "200" && status !== "429").reduce((sum, [, count]) => sum + count, 0) + run.unanswered;
    const output = {
      command: "pnpm soak:server",
      embedder: EMBEDDER,
      connections: CONNECTIONS,
      seconds: run.seconds,
      upstreamDelayMs: UPSTREAM_DELAY_MS,
      weakFaults: "4% HTTP 500, 3% HTTP 503, 2% connection reset, 1% HTTP 429; strong healthy; fallback on; 1 in 5 requests streaming",
      statuses: run.statuses,
      answeredPerSecond: Math.round((Object.values(run.statuses).reduce((a, b) => a + b, 0) / run.seconds) * 10) / 10,
      acceptedP50Ms: run.acceptedP50Ms,
      acceptedP99Ms: run.acceptedP99Ms,
      unanswered: run.unanswered,
      clientVisibleErrors,
      weakUpstreamAnswers: weak.counts,
      strongUpstreamAnswers: strong.counts,
      serverMetrics: [...series("muffler_fallbacks_total"), ...series("muffler_upstream_errors_total"), ...series("muffler_routed_total"), ...series("muffler_http_requests_total")],
      rssMbEvery10s: rss,
      loadAverage1m: { before: Math.round(loadBefore * 100) / 100, after: Math.round(loadAfter * 100) / 100 },
      machine: { node: process.version, cpus: (await import("node:os")).cpus().length },
      measuredAt: new Date().toISOString(),
    };
    await writeJsonAtomic(OUTPUT, output);
    console.log(JSON.stringify(output, null, 2));
    console.log(clientVisibleErrors === 0 ? "soak: no client-visible error other than relayed 4xx" : `soak: ${clientVisibleErrors} client-visible errors`);
  } finally {
    await server.close();
  }
} finally {
  await rm(root, { recursive: true, force: true });
  await weak.close();
  await strong.close();
}
