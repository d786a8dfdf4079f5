import { timingSafeEqual } from "node:crypto";
import type { Socket } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Registry } from "prom-client";
import { z } from "zod";
import { ROUTER_ERROR_CODES } from "./errors.ts";
import { httpStatusFor } from "./http-status.ts";
import { jsonDepthExceeds } from "./internal/json-depth.ts";
import { HttpError, clientErrorAnswer, openAIErrorType, rawHttpAnswer, toHttpError } from "./internal/openai-error.ts";
import { ClusterMetricsWorker } from "./internal/cluster-metrics.ts";
import { ServerMetrics } from "./internal/server-metrics.ts";
import { StreamEvents } from "./internal/stream-events.ts";
import { UPSTREAM_CONFIG_STATUSES, UpstreamFailure, callUpstream } from "./internal/upstream.ts";
import type { PolicyRouteDecision } from "./candidate-decision.ts";
import { parseAutoModel } from "./parse-auto-model.ts";
import { parseRouterModel } from "./parse-router-model.ts";
import { choosePolicyCandidate, type RoutingPolicy } from "@muffler/model";
import type { RouteThreshold } from "./resolve-threshold.ts";
import { ROUTE_TURNS } from "./route-input.ts";
import type { RouteDecision, Router } from "./router.ts";
import type { UpstreamConfig } from "./server-config.ts";

export interface CreateServerOptions {
  /** The loaded router. The server closes it on `close()`. */
  router: Router;
  /** The strong and weak OpenAI-compatible upstreams; without them `/v1/chat/completions` answers 503. @default undefined */
  upstreams?: { strong: UpstreamConfig; weak: UpstreamConfig };
  /** Bearer keys a client must send (`Authorization: Bearer <key>`); empty or absent: no authentication. @default [] */
  apiKeys?: string[];
  /** Largest request body in bytes (larger: HTTP 413). @default 1048576 */
  bodyLimitBytes?: number;
  /** Upstream timeout in ms: the whole call when not streaming; the wait for headers, then between chunks, when streaming. @default 60000 */
  upstreamTimeoutMs?: number;
  /**
   * N-candidate routing (a router whose bundle lists priced candidates): one OpenAI-compatible upstream per candidate,
   * keyed by the candidate's model name. Requests for `router-<name>-auto[-<knob>]` are routed by policy among them,
   * and fall back to the next-best candidate (by the same policy) when the chosen upstream fails. @default undefined
   */
  candidateUpstreams?: Record<string, UpstreamConfig>;
  /** When the weak upstream is down (no answer, timeout, 5xx, malformed), send the request to the strong one. @default true */
  fallbackToStrong?: boolean;
  /** The router's name in model names (`router-<name>-<threshold>`). @default "mf" */
  routerName?: string;
  /**
   * How long a client may take to send its request, in ms: its headers, and its whole body, each within this time of
   * the request's start (slower clients get 408 and are disconnected; responses may stream for longer). 0: no limit.
   * @default 30000
   */
  requestTimeoutMs?: number;
  /**
   * Requests this process accepts at once waiting for a routing decision (queued for the embedder or being
   * embedded). Past it, `/v1/route` and `/v1/chat/completions` answer 503 `server_overloaded` with `Retry-After: 1`
   * at once, instead of queueing without bound. @default 64
   */
  maxQueuedRequests?: number;
  /**
   * How long an overload refusal (503 `router/overloaded`) waits before it is sent, in ms. A refusal costs the event
   * loop little, but clients that retry at once (ignoring Retry-After) turn each one into another request: unpaced,
   * 256 such connections sent about 10,000 refusals a second and the accepted requests fell to 330 a second (accepted
   * p99 300 to 305 ms instead of 151 to 187 ms; packages/router/README.md). A waiting refusal holds only a timer and
   * its socket (at most one per connection).
   * 0 refuses at once. @default 100
   */
  overloadRefusalDelayMs?: number;
  /**
   * In a `node:cluster` worker whose primary runs `serveClusterMetrics` (`muffler serve --workers N`), answer
   * `/metrics` with the sum over every worker; elsewhere this has no effect. @default true
   */
  clusterMetrics?: boolean;
  /** How long `close()` waits for in-flight requests before cutting connections. @default 10000 */
  shutdownTimeoutMs?: number;
  /** fetch used for upstream calls (tests pass their own). @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Fastify logger: `false`, `true`, or pino options (a `stream` for tests). Requests are logged without headers. @default false */
  logger?: boolean | { level?: string; stream?: { write(message: string): void } };
}

export interface ListenOptions {
  /** The interface to bind. @default "127.0.0.1" */
  host?: string;
  /** The port; 0 picks a free one. @default 6060 */
  port?: number;
}

const messageSchema = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool", "function"]),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() })), z.null()]).optional(),
});

const chatBodySchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  stream: z.boolean().optional(),
  /** Muffler's own request fields (not sent upstream): `{ policy }` for the automatic model. */
  muffler: z.looseObject({ policy: z.unknown().optional() }).optional(),
});

const routeBodySchema = z
  .object({
    model: z.string().min(1).optional(),
    threshold: z.number().optional(),
    strongPercent: z.number().optional(),
    prompt: z.string().optional(),
    messages: z.array(messageSchema).min(1).optional(),
    turns: z.enum(ROUTE_TURNS).optional(),
  })
  .strict();

type Side = "strong" | "weak";

/** Deepest nesting of arrays and objects accepted in a chat completion body (deeper: 400 before any upstream call). */
export const MAX_JSON_DEPTH = 64;

/** Seconds a client is told to wait (`Retry-After`) when the server is overloaded or shutting down. */
const RETRY_AFTER_SECONDS = "1";

/** The routes that wait for a routing decision (the bounded queue). */
const ROUTED_PATHS: ReadonlySet<string> = new Set(["/v1/route", "/v1/chat/completions"]);

/** Status counted for a request whose client went away before the answer was sent (nginx's convention). */
const CLIENT_CLOSED_STATUS = "499";

/**
 * The OpenAI-compatible routing server: `POST /v1/chat/completions`, `POST /v1/route`, `GET /v1/models`,
 * `GET /health`, `GET /metrics`. Create it with `createServer`, then `listen()`; `close()` drains in-flight requests.
 */
export class MufflerServer {
  readonly app: FastifyInstance;
  /** The prom-client registry behind `/metrics` (this process's metrics; `/metrics` itself sums a cluster's workers). */
  readonly metrics: Registry;
  readonly #metrics: ServerMetrics;
  readonly #clusterMetrics: ClusterMetricsWorker | undefined;
  #inFlight = 0;
  readonly #options: CreateServerOptions;
  readonly #redact: (text: string) => string;
  #closing: Promise<void> | undefined;
  #draining = false;
  /** Requests waiting for a routing decision (the bounded queue). */
  #queued = 0;
  /** Sockets the clientError handler answered, with the status it sent (so the request is counted once, with it). */
  readonly #clientErrorStatus = new WeakMap<Socket, number>();
  #countClientError: (status: number) => void = () => {};

  constructor(options: CreateServerOptions) {
    this.#options = options;
    this.#metrics = new ServerMetrics({
      models: [...new Set([options.router.strongModel, options.router.weakModel, ...options.router.candidates.map((candidate) => candidate.model)])],
      inFlight: () => this.#inFlight,
      queued: () => this.#queued,
    });
    this.metrics = this.#metrics.registry;
    this.#clusterMetrics = (options.clusterMetrics ?? true) ? new ClusterMetricsWorker(this.metrics) : undefined;
    const secrets = [
      ...(options.apiKeys ?? []),
      options.upstreams?.strong.apiKey,
      options.upstreams?.weak.apiKey,
      ...Object.values(options.candidateUpstreams ?? {}).map((upstream) => upstream.apiKey),
    ].filter(
      (secret): secret is string => typeof secret === "string" && secret.length >= 4,
    );
    this.#redact = (text) => secrets.reduce((result, secret) => result.split(secret).join("[redacted]"), text);
    const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.app = Fastify({
      bodyLimit: options.bodyLimitBytes ?? 1_048_576,
      logger: options.logger ?? false,
      // Requests that arrive while draining get our own 503 in OpenAI's format (the onRequest hook below).
      return503OnClosing: false,
      forceCloseConnections: "idle",
      // A client has this long to send its headers and its whole request (slow-client protection); responses may
      // stream for longer. Node checks these deadlines on a timer (30 s by default, which let a slow client last up to
      // 60 s): check at a tenth of the timeout, at most every second, so a slow client is cut close to the deadline.
      requestTimeout: requestTimeoutMs,
      http: {
        requestTimeout: requestTimeoutMs,
        headersTimeout: requestTimeoutMs,
        connectionsCheckingInterval: requestTimeoutMs > 0 ? Math.min(1000, Math.max(10, Math.floor(requestTimeoutMs / 10))) : 30_000,
      },
      // Errors below the routes (Node's HTTP parser, the request deadlines) answer in OpenAI's format too.
      clientErrorHandler: (error, socket) => this.#onClientError(error, socket, requestTimeoutMs),
      frameworkErrors: (error, _request, reply) => {
        const answer = new HttpError(ROUTER_ERROR_CODES.malformedHttpRequest, `Malformed request URL or headers (${error.code}).`);
        void (reply as FastifyReply).code(400).send(answer.body);
      },
    });
    // Only JSON bodies: drop fastify's text/plain parser so other types answer 415.
    this.app.removeContentTypeParser("text/plain");
    this.#registerRoutes();
  }

  /** Starts listening; resolves with the base URL (`http://127.0.0.1:<port>`). Binds 127.0.0.1 unless told otherwise. */
  async listen(options: ListenOptions = {}): Promise<string> {
    const host = options.host ?? "127.0.0.1";
    await this.app.listen({ host, port: options.port ?? 6060 });
    const address = this.app.server.address();
    const port = typeof address === "object" && address !== null ? address.port : options.port;
    return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  }

  /**
   * Stops accepting requests, lets in-flight ones (streams included) finish for up to `shutdownTimeoutMs`, then cuts
   * what is left, and closes the router.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#draining = true;
      const timeout = setTimeout(() => this.app.server.closeAllConnections(), this.#options.shutdownTimeoutMs ?? 10_000);
      try {
        await this.app.close();
      } finally {
        clearTimeout(timeout);
        this.#clusterMetrics?.close();
        await this.#options.router.close();
      }
    })();
    return this.#closing;
  }

  #onClientError(error: Error & { code?: string }, socket: Socket, requestTimeoutMs: number): void {
    // A connection reset leaves nothing to answer (Node's documentation of `clientError`).
    if (error.code === "ECONNRESET" || socket.destroyed) return;
    const answer = clientErrorAnswer(error.code, requestTimeoutMs);
    const pending = (socket as Socket & { _httpMessage?: { headersSent: boolean } })._httpMessage;
    if (pending !== undefined) {
      // A request fastify is serving (its body came too slowly): it is counted with this status when it closes.
      this.#clientErrorStatus.set(socket, answer.statusCode);
    } else {
      this.#countClientError(answer.statusCode);
    }
    this.app.log.info({ code: error.code, status: answer.statusCode }, "client error below the routes");
    if (socket.writable && (pending === undefined || !pending.headersSent)) socket.write(rawHttpAnswer(answer));
    socket.destroy();
  }

  #registerRoutes(): void {
    const { app } = this;
    const router = this.#options.router;
    const m = this.#metrics;
    this.#countClientError = (status) => m.requests.inc({ route: "client-error", status: String(status) });
    const maxQueued = this.#options.maxQueuedRequests ?? 64;
    const refusalDelayMs = this.#options.overloadRefusalDelayMs ?? 100;
    /** Refuses a request the full queue cannot take: 503 with Retry-After, after `overloadRefusalDelayMs`. */
    const refuseOverloaded = async (): Promise<never> => {
      m.rejected.inc({ reason: "queue-full" });
      const error = new HttpError(ROUTER_ERROR_CODES.overloaded, `The server is overloaded (${maxQueued} requests already wait for routing); retry after ${RETRY_AFTER_SECONDS} s.`, {
        headers: { "retry-after": RETRY_AFTER_SECONDS },
      });
      if (refusalDelayMs > 0) await delay(refusalDelayMs);
      throw error;
    };

    const apiKeys = (this.#options.apiKeys ?? []).map((key) => Buffer.from(key));
    app.addHook("onRequest", async (request, reply) => {
      this.#inFlight++;
      const started = performance.now();
      // "close" fires whether the response finished or the client went away (onResponse runs only in the first case,
      // and not at all for a hijacked stream): every request is counted here, once.
      reply.raw.once("close", () => {
        this.#inFlight--;
        const route = request.routeOptions.url ?? "unmatched";
        const finished = reply.raw.writableFinished;
        const clientError = this.#clientErrorStatus.get(request.raw.socket);
        const status = finished ? String(reply.raw.statusCode) : clientError !== undefined ? String(clientError) : CLIENT_CLOSED_STATUS;
        m.requests.inc({ route, status });
        m.requestDuration.observe({ route }, (performance.now() - started) / 1000);
        if (!finished && clientError === undefined) {
          request.log.info({ route, elapsedMs: Math.round(performance.now() - started), headersSent: reply.raw.headersSent }, "request aborted by the client");
        }
        if (this.#draining) this.app.server.closeIdleConnections();
      });
      if (this.#draining) {
        void reply.header("connection", "close");
        m.rejected.inc({ reason: "shutting-down" });
        throw new HttpError(ROUTER_ERROR_CODES.shuttingDown, "The server is shutting down; retry the request.", { headers: { "retry-after": RETRY_AFTER_SECONDS } });
      }
      if (apiKeys.length === 0 || request.url === "/health") {
        if (this.#queued >= maxQueued && ROUTED_PATHS.has(request.routeOptions.url ?? "")) await refuseOverloaded();
        return;
      }
      const header = request.headers.authorization ?? "";
      const presented = Buffer.from(header.startsWith("Bearer ") ? header.slice("Bearer ".length).trim() : "");
      const accepted = apiKeys.some((key) => key.length === presented.length && timingSafeEqual(key, presented));
      if (!accepted) {
        throw new HttpError(ROUTER_ERROR_CODES.invalidApiKey, "Missing or invalid API key: send Authorization: Bearer <key>.");
      }
      // A full queue refuses before the body is read and parsed: under overload the 503s must cost as little as possible.
      if (this.#queued >= maxQueued && ROUTED_PATHS.has(request.routeOptions.url ?? "")) await refuseOverloaded();
    });
    app.addHook("onSend", async (_request, reply) => {
      // While draining, ask keep-alive clients to reconnect elsewhere so that their sockets close after this response.
      if (this.#draining) void reply.header("connection", "close");
    });
    app.setErrorHandler((error, request, reply) => {
      const httpError = toHttpError(error, this.#redact);
      if (httpError.statusCode >= 500 && httpError.statusCode !== 503) request.log.error({ code: httpError.body.error.code }, this.#redact(String((error as Error).message)));
      void reply.code(httpError.statusCode).headers(httpError.headers).send(httpError.body);
    });
    app.setNotFoundHandler((request, reply) => {
      const error = new HttpError(ROUTER_ERROR_CODES.notFound, `No route ${request.method} ${request.url.slice(0, 200)}.`);
      void reply.code(error.statusCode).send(error.body);
    });

    const decide = async (input: Parameters<Router["route"]>[0], threshold: RouteThreshold & { turns?: (typeof ROUTE_TURNS)[number] }): Promise<RouteDecision> => {
      // The bounded queue: past maxQueuedRequests waiting decisions, refuse at once rather than queue without bound
      // (checked again here: requests admitted by the onRequest check may have filled the queue while their bodies came).
      if (this.#queued >= maxQueued) await refuseOverloaded();
      this.#queued++;
      const started = performance.now();
      let decision: RouteDecision;
      try {
        decision = await router.route(input, threshold);
      } finally {
        this.#queued--;
      }
      m.routingDuration.observe((performance.now() - started) / 1000);
      m.routed.inc({ model: decision.model });
      if (decision.failSafe !== undefined) m.failSafe.inc({ reason: decision.failSafe });
      return decision;
    };

    const decidePolicy = async (input: Parameters<Router["route"]>[0], policy: RoutingPolicy): Promise<PolicyRouteDecision> => {
      if (this.#queued >= maxQueued) await refuseOverloaded();
      this.#queued++;
      const started = performance.now();
      let decision: PolicyRouteDecision;
      try {
        decision = await router.route(input, { policy });
      } finally {
        this.#queued--;
      }
      m.routingDuration.observe((performance.now() - started) / 1000);
      if (decision.failSafe !== undefined) m.failSafe.inc({ reason: decision.failSafe });
      return decision;
    };

    app.get("/health", async () => ({
      status: "ok",
      router: { strongModel: router.strongModel, weakModel: router.weakModel, embedder: router.embedderId },
      upstreams: this.#options.upstreams === undefined ? null : { strong: this.#upstreamModel("strong"), weak: this.#upstreamModel("weak") },
    }));

    app.get("/metrics", async (_request, reply) => {
      void reply.type(this.metrics.contentType);
      // Under `--workers N` the primary sums every worker's registry; otherwise (or if it does not answer) this one's.
      return (await this.#clusterMetrics?.aggregated()) ?? (await m.text());
    });

    app.get("/v1/models", async () => {
      const name = this.#options.routerName ?? "mf";
      const percents = [...new Set(router.calibratedThresholds.map((point) => point.strongPercent))].sort((a, b) => a - b);
      return {
        object: "list",
        data: [
          ...percents.map((percent) => ({ id: `router-${name}-strong-${percent}`, object: "model", created: 0, owned_by: "muffler" })),
          ...(router.candidates.length > 0 ? [{ id: `router-${name}-auto`, object: "model", created: 0, owned_by: "muffler" }] : []),
        ],
      };
    });

    app.post("/v1/route", async (request) => {
      const body = parseBody(routeBodySchema, request.body);
      if ((body.prompt === undefined) === (body.messages === undefined)) {
        throw new HttpError(ROUTER_ERROR_CODES.invalidRequest, "Send exactly one of prompt and messages.", { param: "prompt" });
      }
      const choices = [body.model, body.threshold, body.strongPercent].filter((value) => value !== undefined).length;
      if (choices !== 1) throw new HttpError(ROUTER_ERROR_CODES.invalidRequest, "Send exactly one of model, threshold and strongPercent.", { param: "model" });
      const threshold: RouteThreshold =
        body.model !== undefined
          ? parseRouterModel(body.model, { routerName: this.#options.routerName })
          : body.threshold !== undefined
            ? { threshold: body.threshold }
            : { strongPercent: body.strongPercent! };
      const decision = await decide(body.prompt ?? body.messages!, { ...threshold, ...(body.turns !== undefined && { turns: body.turns }) });
      return decision;
    });

    /**
     * One upstream call and its accounting, shared by both kinds of model: the body is serialized outside the call (a
     * body that cannot be serialized is the request's 400, never an upstream failure), the latency and the outcome are
     * counted, and a failure is logged, except when the client went away and the call was stopped for it.
     */
    const callCountedUpstream = async (
      request: FastifyRequest,
      options: { upstream: UpstreamConfig | undefined; label: string; body: object; stream: boolean; signal: AbortSignal },
    ) => {
      const { upstream, label, signal } = options;
      let payload: string;
      try {
        payload = JSON.stringify(options.body);
      } catch {
        throw new HttpError(ROUTER_ERROR_CODES.invalidRequest, "The request body cannot be serialized as JSON.");
      }
      const started = performance.now();
      try {
        if (upstream === undefined) throw new UpstreamFailure("connection", `No upstream is configured for candidate "${label}".`);
        const result = await callUpstream({
          upstream,
          body: payload,
          stream: options.stream,
          timeoutMs: this.#options.upstreamTimeoutMs ?? 60_000,
          fetch: this.#options.fetch ?? globalThis.fetch,
          signal,
          label,
        });
        m.upstreamDuration.observe({ upstream: label }, (performance.now() - started) / 1000);
        m.upstreamRequests.inc({ upstream: label, outcome: "ok" });
        return result;
      } catch (error) {
        if (!(error instanceof UpstreamFailure)) throw error;
        // The client went away and the call was stopped for it: not an upstream failure (nor a reason to fall back).
        if (signal.aborted) {
          m.upstreamRequests.inc({ upstream: label, outcome: "client-aborted" });
          throw error;
        }
        m.upstreamErrors.inc({ upstream: label, reason: error.reason });
        m.upstreamRequests.inc({ upstream: label, outcome: "error" });
        request.log.warn({ upstream: label, reason: error.reason }, this.#redact(String(error.message)));
        throw error;
      }
    };

    /**
     * The automatic model: route among the priced candidates by `policy`, call the chosen candidate's upstream, and on a
     * retriable failure the next-best one by the same policy (the failed candidates left out), until one answers.
     */
    const candidateCompletion = async (request: FastifyRequest, reply: FastifyReply, body: z.infer<typeof chatBodySchema>, policy: RoutingPolicy) => {
      const upstreams = this.#options.candidateUpstreams;
      if (upstreams === undefined || router.candidates.length === 0) {
        throw new HttpError(
          ROUTER_ERROR_CODES.upstreamsNotConfigured,
          router.candidates.length === 0
            ? "This router has no priced candidates, so the automatic model is not available; use router-<name>-<threshold>."
            : "This server has no candidate upstreams configured (candidates in the serve configuration).",
        );
      }
      const decision = await decidePolicy(body.messages, policy);
      const { muffler: _muffler, ...upstreamBody } = body;
      const stream = body.stream === true;
      const clientGone = new AbortController();
      reply.raw.on("close", () => {
        if (!reply.raw.writableFinished) clientGone.abort();
      });
      const failed = new Set<string>();
      let chosen = decision.model;
      for (;;) {
        const upstream = upstreams[chosen];
        m.routed.inc({ model: chosen });
        const estimate = decision.candidates.find((candidate) => candidate.model === chosen);
        if (estimate !== undefined) m.estimatedCost.inc({ model: chosen }, estimate.costUsd);
        try {
          const result = await callCountedUpstream(request, { upstream, label: chosen, body: { ...upstreamBody, model: upstream?.model ?? chosen }, stream, signal: clientGone.signal });
          const headers: Record<string, string> = {
            "x-muffler-model": chosen,
            "x-muffler-policy": JSON.stringify(decision.policy),
            "x-muffler-upstream": chosen,
            ...(estimate !== undefined && { "x-muffler-estimated-cost-usd": estimate.costUsd.toPrecision(6), "x-muffler-estimated-quality": estimate.quality.toFixed(6) }),
          };
          if (failed.size > 0) headers["x-muffler-fallback"] = [...failed, chosen].join(" -> ");
          if (decision.failSafe !== undefined) headers["x-muffler-fail-safe"] = decision.failSafe;
          if (result.kind === "json") {
            void reply.code(result.status).headers(headers);
            return result.body;
          }
          await this.#pipeStream(request, reply, result, headers, chosen);
          return reply;
        } catch (error) {
          if (!(error instanceof UpstreamFailure) || clientGone.signal.aborted) throw error;
          failed.add(chosen);
          const remaining = decision.candidates.filter((candidate) => !failed.has(candidate.model));
          if (!error.retriable || remaining.length === 0 || clientGone.signal.aborted) {
            const httpError = this.#upstreamHttpError(error, "strong", `The upstream of candidate "${chosen}"`);
            if (failed.size > 1) httpError.body.error.message = `Every candidate tried failed (${[...failed].join(", ")}): ${httpError.body.error.message}`;
            throw httpError;
          }
          m.candidateFallbacks.inc({ model: chosen });
          chosen = remaining.length === 1 || decision.failSafe !== undefined ? remaining[0]!.model : remaining[choosePolicyCandidate(remaining, decision.policy).index]!.model;
        }
      }
    };

    app.post("/v1/chat/completions", async (request, reply) => {
      const body = parseBody(chatBodySchema, request.body);
      // Checked before anything else: a body too deep to serialize must be the request's 400, not an upstream failure.
      const depth = jsonDepthExceeds(request.body, MAX_JSON_DEPTH);
      if (depth) {
        throw new HttpError(ROUTER_ERROR_CODES.invalidRequest, `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep; flatten it.`);
      }
      const policy = parseAutoModel(body.model, { routerName: this.#options.routerName, policyOverride: body.muffler?.policy });
      if (policy !== undefined) return candidateCompletion(request, reply, body, policy);
      const threshold = parseRouterModel(body.model, { routerName: this.#options.routerName });
      const upstreams = this.#options.upstreams;
      if (upstreams === undefined) {
        throw new HttpError(ROUTER_ERROR_CODES.upstreamsNotConfigured, "This server has no upstreams configured; only POST /v1/route is available.");
      }
      const decision = await decide(body.messages, threshold);
      let side: Side = decision.model === router.strongModel ? "strong" : "weak";
      const stream = body.stream === true;
      const clientGone = new AbortController();
      reply.raw.on("close", () => {
        if (!reply.raw.writableFinished) clientGone.abort();
      });
      const attempt = (chosen: Side) =>
        callCountedUpstream(request, { upstream: upstreams[chosen], label: chosen, body: { ...body, model: this.#upstreamModel(chosen) }, stream, signal: clientGone.signal });
      let result;
      let fellBack = false;
      try {
        result = await attempt(side);
      } catch (error) {
        const retriable = error instanceof UpstreamFailure && error.retriable;
        if (side === "weak" && retriable && (this.#options.fallbackToStrong ?? true) && !clientGone.signal.aborted) {
          m.fallbacks.inc();
          fellBack = true;
          side = "strong";
          try {
            result = await attempt("strong");
          } catch (secondError) {
            const httpError = this.#upstreamHttpError(secondError, "strong");
            httpError.body.error.message = `${this.#redact((error as Error).message)} The fallback failed too: ${httpError.body.error.message}`;
            throw httpError;
          }
        } else {
          throw this.#upstreamHttpError(error, side);
        }
      }
      const headers: Record<string, string> = {
        "x-muffler-model": side === "strong" ? router.strongModel : router.weakModel,
        "x-muffler-win-rate": decision.winRate === null ? "none" : decision.winRate.toFixed(6),
        "x-muffler-threshold": String(decision.threshold),
        "x-muffler-upstream": side,
      };
      if (fellBack) headers["x-muffler-fallback"] = "weak-to-strong";
      if (decision.failSafe !== undefined) headers["x-muffler-fail-safe"] = decision.failSafe;
      if (result.kind === "json") {
        void reply.code(result.status).headers(headers);
        return result.body;
      }
      await this.#pipeStream(request, reply, result, headers, side);
      return reply;
    });
  }

  async #pipeStream(
    request: FastifyRequest,
    reply: FastifyReply,
    result: Extract<Awaited<ReturnType<typeof callUpstream>>, { kind: "stream" }>,
    headers: Record<string, string>,
    side: string,
  ): Promise<void> {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: this.#draining ? "close" : "keep-alive",
      ...headers,
    });
    // A client that goes away stops the upstream stream (and frees its connection).
    const onClientClose = () => {
      if (!raw.writableFinished) result.controller.abort();
    };
    raw.once("close", onClientClose);
    const reader = result.body.getReader();
    const idleMs = this.#options.upstreamTimeoutMs ?? 60_000;
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    let timedOut = false;
    const armIdle = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        timedOut = true;
        result.controller.abort();
      }, idleMs);
    };
    const events = new StreamEvents();
    let failure: string | undefined;
    try {
      armIdle();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        armIdle();
        events.push(value);
        if (raw.destroyed) break;
        if (!raw.write(value) && !raw.destroyed) await new Promise<void>((resolve) => raw.once("drain", resolve).once("close", resolve));
      }
      events.end();
      // Several OpenAI-compatible servers end a finished stream without [DONE]: a stream whose last choice chunk
      // carried a finish_reason is complete, and the client gets the [DONE] it may wait for.
      if (!events.sawDone && !raw.destroyed) {
        if (events.finished) raw.write("data: [DONE]\n\n");
        else failure = "The upstream ended the stream before a finish_reason or its [DONE] event.";
      }
    } catch {
      failure = timedOut ? `The upstream stream stalled for more than ${idleMs} ms.` : "The upstream stream was cut mid-way.";
    } finally {
      clearTimeout(idleTimer);
      raw.removeListener("close", onClientClose);
    }
    if (raw.destroyed) {
      result.controller.abort();
      return;
    }
    if (failure !== undefined) {
      this.#metrics.upstreamErrors.inc({ upstream: side, reason: timedOut ? "timeout" : "stream-cut" });
      request.log.warn({ upstream: side }, failure);
      const code = timedOut ? ROUTER_ERROR_CODES.upstreamTimeout : ROUTER_ERROR_CODES.upstreamStreamInterrupted;
      const event = { error: { message: failure, type: openAIErrorType(httpStatusFor({ code, kind: "internal" }), code), param: null, code } };
      raw.write(`data: ${JSON.stringify(event)}\n\n`);
    }
    raw.end();
  }

  #upstreamModel(side: Side): string {
    const router = this.#options.router;
    return this.#options.upstreams?.[side].model ?? (side === "strong" ? router.strongModel : router.weakModel);
  }

  #upstreamHttpError(error: unknown, side: Side, label?: string): HttpError {
    if (!(error instanceof UpstreamFailure)) return toHttpError(error, this.#redact);
    const redact = this.#redact;
    const name = label ?? `The ${side} upstream (model "${this.#upstreamModel(side)}")`;
    switch (error.reason) {
      case "timeout":
        return new HttpError(ROUTER_ERROR_CODES.upstreamTimeout, redact(error.message));
      case "connection":
        return new HttpError(ROUTER_ERROR_CODES.upstreamUnavailable, redact(error.message));
      case "malformed":
        return new HttpError(ROUTER_ERROR_CODES.upstreamMalformedResponse, redact(error.message));
      case "status": {
        const status = error.status ?? 502;
        const said = error.upstreamError?.message !== undefined ? `: ${redact(error.upstreamError.message).slice(0, 1000)}` : "";
        const retryAfter = error.retryAfter !== undefined ? { headers: { "retry-after": error.retryAfter } } : {};
        if (UPSTREAM_CONFIG_STATUSES.has(status)) {
          // Muffler's own key or address for that upstream is wrong: the client's request and key are fine, so this
          // must not look like the client's 401/404 (the openai client would raise AuthenticationError).
          const advice =
            status === 404
              ? "check its baseUrl (Muffler posts to <baseUrl>/chat/completions) and its model name in the serve configuration"
              : "check its apiKey / apiKeyEnv in the serve configuration";
          return new HttpError(
            status === 404 ? ROUTER_ERROR_CODES.upstreamNotFound : ROUTER_ERROR_CODES.upstreamAuthFailed,
            `${name} answered HTTP ${status}: ${advice}. It said${said.length > 0 ? said : " nothing"}`,
          );
        }
        if (status === 503) {
          return new HttpError(ROUTER_ERROR_CODES.upstreamOverloaded, `${name} is overloaded or unavailable (HTTP 503); retry later${said}`, retryAfter);
        }
        if (status >= 400 && status < 500) {
          const upstreamCode = typeof error.upstreamError?.code === "string" ? ` (${redact(error.upstreamError.code).slice(0, 100)})` : "";
          return new HttpError(ROUTER_ERROR_CODES.upstreamRejected, `The upstream rejected the request with HTTP ${status}${upstreamCode}${said}`, {
            status,
            type: error.upstreamError?.type ?? "invalid_request_error",
            ...retryAfter,
          });
        }
        return new HttpError(ROUTER_ERROR_CODES.upstreamError, `The upstream failed with HTTP ${status}${said}`);
      }
    }
  }
}

/** Creates the routing server (not yet listening). See `MufflerServer`. */
export function createServer(options: CreateServerOptions): MufflerServer {
  return new MufflerServer(options);
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpError(ROUTER_ERROR_CODES.invalidRequest, "The request body must be a JSON object.");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = issue.path.join(".");
    throw new HttpError(ROUTER_ERROR_CODES.invalidRequest, `${param.length > 0 ? `${param}: ` : ""}${issue.message}`, { param: param || null });
  }
  return parsed.data;
}

