import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** Latency buckets in seconds for work done in this process (HTTP answers, routing decisions). */
const LOCAL_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Latency buckets in seconds for upstream calls: a model's answer takes seconds to minutes, so they reach 5 min. */
const UPSTREAM_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];

/** The name of the share gauge, computed from `muffler_routed_total` (recomputed after a cluster aggregation). */
export const ROUTED_SHARE = "muffler_routed_share";
export const ROUTED_TOTAL = "muffler_routed_total";

/**
 * The server's Prometheus metrics (prom-client), in a registry of their own so that two servers in one process
 * count apart. Across `--workers N` the primary aggregates every worker's registry (see `cluster-metrics.ts`).
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<"route" | "status">;
  readonly requestDuration: Histogram<"route">;
  readonly routed: Counter<"model">;
  readonly routingDuration: Histogram;
  readonly upstreamRequests: Counter<"upstream" | "outcome">;
  readonly upstreamErrors: Counter<"upstream" | "reason">;
  readonly upstreamDuration: Histogram<"upstream">;
  readonly fallbacks: Counter;
  readonly failSafe: Counter<"reason">;
  readonly rejected: Counter<"reason">;
  /** Estimated USD of the requests routed to each priced candidate (the automatic model). */
  readonly estimatedCost: Counter<"model">;
  /** Automatic-model requests moved to the next-best candidate because an upstream failed, by failed model. */
  readonly candidateFallbacks: Counter<"model">;

  constructor(options: { models: readonly string[]; inFlight: () => number; queued: () => number }) {
    const registers = [this.registry];
    this.requests = new Counter({ name: "muffler_http_requests_total", help: "HTTP requests by route and status code (499: the client went away first).", labelNames: ["route", "status"], registers });
    this.requestDuration = new Histogram({ name: "muffler_http_request_duration_seconds", help: "HTTP request latency by route (to the last byte).", labelNames: ["route"], buckets: LOCAL_BUCKETS, registers });
    this.routed = new Counter({ name: ROUTED_TOTAL, help: "Routing decisions by chosen model.", labelNames: ["model"], registers });
    this.routingDuration = new Histogram({ name: "muffler_routing_duration_seconds", help: "Time to reach a routing decision (embedding included).", buckets: LOCAL_BUCKETS, registers });
    this.upstreamRequests = new Counter({ name: "muffler_upstream_requests_total", help: "Upstream calls by upstream and outcome.", labelNames: ["upstream", "outcome"], registers });
    this.upstreamErrors = new Counter({ name: "muffler_upstream_errors_total", help: "Upstream failures by upstream and reason.", labelNames: ["upstream", "reason"], registers });
    this.upstreamDuration = new Histogram({ name: "muffler_upstream_duration_seconds", help: "Upstream latency to the response headers, by upstream.", labelNames: ["upstream"], buckets: UPSTREAM_BUCKETS, registers });
    this.fallbacks = new Counter({ name: "muffler_fallbacks_total", help: "Requests sent to the strong upstream because the weak one failed.", registers });
    this.failSafe = new Counter({ name: "muffler_fail_safe_total", help: "Fail-safe decisions (strong model) because the embedder failed.", labelNames: ["reason"], registers });
    this.rejected = new Counter({ name: "muffler_rejected_requests_total", help: "Requests refused with 503 before routing, by reason (queue-full, shutting-down).", labelNames: ["reason"], registers });
    this.estimatedCost = new Counter({ name: "muffler_estimated_cost_usd_total", help: "Estimated USD of the requests routed to each candidate (automatic model).", labelNames: ["model"], registers });
    this.candidateFallbacks = new Counter({ name: "muffler_candidate_fallbacks_total", help: "Automatic-model requests moved to the next-best candidate because an upstream failed, by failed model.", labelNames: ["model"], registers });
    const { inFlight, queued } = options;
    new Gauge({ name: "muffler_in_flight_requests", help: "Requests being served.", registers, aggregator: "sum", collect() { this.set(inFlight()); } });
    new Gauge({ name: "muffler_queued_requests", help: "Requests waiting for a routing decision (bounded by maxQueuedRequests).", registers, aggregator: "sum", collect() { this.set(queued()); } });
    const routed = this.routed;
    const models = options.models;
    new Gauge({
      name: ROUTED_SHARE,
      help: "Share of routing decisions per model since start.",
      labelNames: ["model"],
      registers,
      // A share does not add up across workers: the cluster primary drops it and recomputes it from the summed counts.
      aggregator: "omit",
      async collect() {
        setShares(this, (await routed.get()).values, models);
      },
    });
    for (const model of models) this.routed.inc({ model }, 0);
  }

  /** The Prometheus text exposition of this process's metrics. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/** Sets `gauge{model}` to each model's share of the `routed` counts (0 before any decision). */
export function setShares(gauge: Gauge<"model">, values: readonly { labels: Partial<Record<string, string | number>>; value: number }[], models: readonly string[]): void {
  const total = values.reduce((sum, entry) => sum + entry.value, 0);
  for (const model of models) {
    const count = values.filter((entry) => entry.labels.model === model).reduce((sum, entry) => sum + entry.value, 0);
    gauge.set({ model }, total === 0 ? 0 : count / total);
  }
}
