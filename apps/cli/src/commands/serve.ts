import cluster from "node:cluster";
import { MufflerError } from "@muffler/core";
import { ROUTE_TURNS, ROUTER_ERROR_CODES, Router, createServer, loadServerConfig, serveClusterMetrics } from "@muffler/router";
import type { MufflerServer, RouteTurns, ServerConfig } from "@muffler/router";
import { Command } from "commander";

interface ServeFlags {
  router: string;
  config?: string;
  host?: string;
  port?: string;
  upstreamTimeoutMs?: string;
  fallback: boolean;
  bodyLimitBytes?: string;
  maxPromptChars?: string;
  requestTimeoutMs?: string;
  maxQueuedRequests?: string;
  overloadRefusalDelayMs?: string;
  turns?: string;
  logLevel: string;
  workers?: string;
}

/** `muffler serve`: the OpenAI-compatible routing server in front of a strong and a weak upstream. */
export function serveCommand(): Command {
  return new Command("serve")
    .description(
      "Serve a router as an OpenAI-compatible endpoint (POST /v1/chat/completions with model router-mf-<threshold> or router-mf-strong-<percent>, " +
        "POST /v1/route, GET /v1/models, /health, /metrics). Upstreams come from --config and MUFFLER_STRONG_*/MUFFLER_WEAK_* variables.",
    )
    .requiredOption("--router <dir>", "the router bundle directory (runs/<name>/router)")
    .option("--config <file>", "a JSON file: { strong: { baseUrl, apiKeyEnv, model }, weak: {...}, apiKeys?, upstreamTimeoutMs?, ... }")
    .option("--host <host>", "the interface to bind (default 127.0.0.1; 0.0.0.0 exposes the server to the network)")
    .option("--port <port>", "the port (default 6060; 0 picks a free one)")
    .option("--upstream-timeout-ms <ms>", "upstream timeout (default 60000)")
    .option("--no-fallback", "do not send a request to the strong upstream when the weak one is down")
    .option("--body-limit-bytes <n>", "largest request body (default 1048576)")
    .option("--max-prompt-chars <n>", "longest text the router embeds (default 32000)")
    .option("--request-timeout-ms <ms>", "how long a client may take to send its headers and body (default 30000; slower: 408)")
    .option("--max-queued-requests <n>", "requests per process waiting for a routing decision before new ones get 503 with Retry-After (default 64)")
    .option("--overload-refusal-delay-ms <ms>", "how long an overload 503 waits before it is sent, so that clients retrying at once cannot take the CPU (default 100; 0: at once)")
    .option("--turns <turns>", `which turns of a conversation count: ${ROUTE_TURNS.join(", ")} (default last-user)`)
    .option("--log-level <level>", "fatal, error, warn, info, debug or silent", "info")
    .option("--workers <n>", "server processes sharing the port, each with its own router and embedder (the embedder is single-threaded: up to one per free core; /metrics sums every worker)", "1")
    .action(async (flags: ServeFlags) => {
      const workers = integer(flags.workers, "--workers") ?? 1;
      if (workers > 1 && cluster.isPrimary) {
        process.exitCode = await runWorkers(workers);
        return;
      }
      try {
        const { server, url } = await startServe(flags);
        process.stderr.write(`muffler serve: listening on ${url} (Ctrl-C drains in-flight requests and stops)\n`);
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.stderr.write("muffler serve: draining in-flight requests...\n");
            void server.close().then(resolve, resolve);
          };
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
        });
      } finally {
        // A cluster worker keeps an IPC channel open to its primary: let it go so that the process can end.
        // (worker.disconnect, not process.disconnect, which makes the worker exit with code 0 whatever happened).
        cluster.worker?.disconnect();
      }
    });
}

/**
 * The primary of `--workers N`: forks N processes that run this same command and share the port (node:cluster hands
 * out the connections). SIGINT/SIGTERM reach every worker, which drains and exits; a worker that fails stops them all.
 * The primary answers each worker's `/metrics` with the sum over all workers (prom-client's cluster aggregation).
 * Resolves with the exit code.
 */
async function runWorkers(count: number): Promise<number> {
  const stopMetrics = serveClusterMetrics();
  let stopping = false;
  let exitCode = 0;
  const stopAll = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
  };
  process.once("SIGINT", stopAll);
  process.once("SIGTERM", stopAll);
  const exits = Array.from({ length: count }, () => {
    const worker = cluster.fork();
    return new Promise<void>((resolve) => {
      worker.once("exit", (code) => {
        if (!stopping && code !== 0) {
          exitCode = code ?? 2;
          stopAll();
        }
        resolve();
      });
    });
  });
  await Promise.all(exits);
  stopMetrics();
  process.removeListener("SIGINT", stopAll);
  process.removeListener("SIGTERM", stopAll);
  return exitCode;
}

/** Loads the router and the configuration and starts listening (exported for tests). */
export async function startServe(flags: ServeFlags, env: Record<string, string | undefined> = process.env): Promise<{ server: MufflerServer; url: string; config: ServerConfig | undefined }> {
  const hasUpstreams = flags.config !== undefined || env.MUFFLER_STRONG_BASE_URL !== undefined || env.MUFFLER_WEAK_BASE_URL !== undefined;
  const config = hasUpstreams ? await loadServerConfig({ ...(flags.config !== undefined && { file: flags.config }), env }) : undefined;
  if (!hasUpstreams) process.stderr.write("muffler serve: no upstreams configured (--config or MUFFLER_STRONG_BASE_URL / MUFFLER_WEAK_BASE_URL): only POST /v1/route will work.\n");
  const turns = flags.turns ?? config?.turns;
  if (turns !== undefined && !(ROUTE_TURNS as readonly string[]).includes(turns)) {
    throw new MufflerError(`--turns must be one of ${ROUTE_TURNS.join(", ")}.`, { code: ROUTER_ERROR_CODES.badServerConfig, field: "--turns" });
  }
  const maxPromptChars = integer(flags.maxPromptChars, "--max-prompt-chars") ?? config?.maxPromptChars;
  const router = await Router.load({
    directory: flags.router,
    ...(turns !== undefined && { turns: turns as RouteTurns }),
    ...(maxPromptChars !== undefined && { maxPromptChars }),
  });
  const upstreamTimeoutMs = integer(flags.upstreamTimeoutMs, "--upstream-timeout-ms") ?? config?.upstreamTimeoutMs;
  const bodyLimitBytes = integer(flags.bodyLimitBytes, "--body-limit-bytes") ?? config?.bodyLimitBytes;
  const requestTimeoutMs = integer(flags.requestTimeoutMs, "--request-timeout-ms") ?? config?.requestTimeoutMs;
  const maxQueuedRequests = integer(flags.maxQueuedRequests, "--max-queued-requests") ?? config?.maxQueuedRequests;
  const overloadRefusalDelayMs = integer(flags.overloadRefusalDelayMs, "--overload-refusal-delay-ms") ?? config?.overloadRefusalDelayMs;
  const server = createServer({
    router,
    ...(config !== undefined && { upstreams: { strong: config.strong, weak: config.weak } }),
    ...(config?.candidates !== undefined && { candidateUpstreams: config.candidates }),
    ...(config?.apiKeys !== undefined && { apiKeys: config.apiKeys }),
    ...(upstreamTimeoutMs !== undefined && { upstreamTimeoutMs }),
    ...(bodyLimitBytes !== undefined && { bodyLimitBytes }),
    ...(requestTimeoutMs !== undefined && { requestTimeoutMs }),
    ...(maxQueuedRequests !== undefined && { maxQueuedRequests }),
    ...(overloadRefusalDelayMs !== undefined && { overloadRefusalDelayMs }),
    fallbackToStrong: flags.fallback && (config?.fallbackToStrong ?? true),
    logger: flags.logLevel === "silent" ? false : { level: flags.logLevel },
  });
  const port = integer(flags.port, "--port") ?? config?.port ?? 6060;
  const host = flags.host ?? config?.host ?? "127.0.0.1";
  if (!["127.0.0.1", "localhost", "::1"].includes(host) && (config?.apiKeys ?? []).length === 0) {
    process.stderr.write(`muffler serve: warning: binding ${host} without client keys (apiKeys / MUFFLER_API_KEYS): anyone who can reach it can spend your upstream credits.\n`);
  }
  const url = await server.listen({ host, port });
  return { server, url, config };
}

function integer(text: string | undefined, field: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    throw new MufflerError(`${field} must be a non-negative integer, got ${JSON.stringify(text)}.`, { code: ROUTER_ERROR_CODES.badServerConfig, field });
  }
  return value;
}
