import cluster, { type Worker } from "node:cluster";
import { AggregatorRegistry, Gauge, type MetricObjectWithValues, type MetricValue, type Registry } from "prom-client";
import { ROUTED_SHARE, ROUTED_TOTAL, setShares } from "./server-metrics.ts";

/** IPC messages between the primary of `--workers N` and its workers. */
const WORKER_HELLO = "muffler:metrics-worker"; // worker -> primary, once its server exists: "do you aggregate?"
const HELLO = "muffler:metrics-primary"; // primary -> worker: "I aggregate metrics"
const REQUEST = "muffler:metrics-request"; // worker -> primary: "a client asked me for /metrics"
const COLLECT = "muffler:metrics-collect"; // primary -> every worker: "send me your registry"
const COLLECTED = "muffler:metrics-collected"; // worker -> primary: the registry as JSON
const RESPONSE = "muffler:metrics-response"; // primary -> asking worker: the aggregated text

type Message =
  | { type: typeof WORKER_HELLO }
  | { type: typeof HELLO }
  | { type: typeof REQUEST; id: number }
  | { type: typeof COLLECT; id: number }
  | { type: typeof COLLECTED; id: number; metrics: MetricObjectWithValues<MetricValue<string>>[] }
  | { type: typeof RESPONSE; id: number; text: string };

function isMessage(value: unknown): value is Message {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string" && (value as { type: string }).type.startsWith("muffler:metrics-");
}

export interface ServeClusterMetricsOptions {
  /** How long the primary waits for every worker's metrics before it answers with those it has. @default 2000 */
  timeoutMs?: number;
}

/**
 * Run in the primary of a `node:cluster` (`muffler serve --workers N` does): answers each worker's `/metrics` with
 * the sum over every live worker (prom-client's `AggregatorRegistry.aggregate`: counters and histograms summed,
 * gauges summed, `muffler_routed_share` recomputed from the summed `muffler_routed_total`). Returns a function that
 * stops it.
 */
export function serveClusterMetrics(options: ServeClusterMetricsOptions = {}): () => void {
  const timeoutMs = options.timeoutMs ?? 2000;
  let nextId = 0;
  const gathering = new Map<number, { pending: Set<number>; parts: MetricObjectWithValues<MetricValue<string>>[][]; finish: () => void }>();
  const onMessage = (worker: Worker, message: unknown) => {
    if (!isMessage(message)) return;
    if (message.type === WORKER_HELLO) {
      if (worker.isConnected()) worker.send({ type: HELLO } satisfies Message);
    } else if (message.type === REQUEST) {
      void aggregate().then((text) => {
        if (worker.isConnected()) worker.send({ type: RESPONSE, id: message.id, text } satisfies Message);
      });
    } else if (message.type === COLLECTED) {
      const entry = gathering.get(message.id);
      if (entry === undefined) return;
      entry.parts.push(message.metrics);
      entry.pending.delete(worker.id);
      if (entry.pending.size === 0) entry.finish();
    }
  };
  const aggregate = () =>
    new Promise<string>((resolve) => {
      const id = nextId++;
      const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined && worker.isConnected());
      const entry = {
        pending: new Set(workers.map((worker) => worker.id)),
        parts: [] as MetricObjectWithValues<MetricValue<string>>[][],
        finish: () => {
          clearTimeout(timer);
          gathering.delete(id);
          void render(entry.parts).then(resolve, (error: unknown) => resolve(`# muffler: could not aggregate the workers' metrics: ${String(error)}\n`));
        },
      };
      const timer = setTimeout(() => entry.finish(), timeoutMs);
      gathering.set(id, entry);
      for (const worker of workers) worker.send({ type: COLLECT, id } satisfies Message);
      if (workers.length === 0) entry.finish();
    });
  cluster.on("message", onMessage);
  return () => {
    cluster.removeListener("message", onMessage);
  };
}

async function render(parts: MetricObjectWithValues<MetricValue<string>>[][]): Promise<string> {
  const registry: Registry = AggregatorRegistry.aggregate(parts);
  const routed = parts.flat().filter((metric) => metric.name === ROUTED_TOTAL).flatMap((metric) => metric.values);
  const models = [...new Set(routed.map((value) => String(value.labels.model)))];
  const share = new Gauge({ name: ROUTED_SHARE, help: "Share of routing decisions per model since start (all workers).", labelNames: ["model"], registers: [registry] });
  setShares(share, routed, models);
  return registry.metrics();
}

/**
 * The worker's side, used by the server: answers the primary's collection requests with `registry`, and asks the
 * primary for the aggregated text. `aggregated()` resolves with `undefined` when this process is not a cluster worker
 * or its primary does not run `serveClusterMetrics` (then the server answers with its own metrics).
 */
export class ClusterMetricsWorker {
  readonly #registry: Registry;
  readonly #timeoutMs: number;
  #primaryAggregates = false;
  #nextId = 0;
  readonly #waiting = new Map<number, (text: string | undefined) => void>();
  readonly #onMessage = (message: unknown) => {
    if (!isMessage(message)) return;
    if (message.type === HELLO) this.#primaryAggregates = true;
    else if (message.type === COLLECT) {
      void this.#registry.getMetricsAsJSON().then((metrics) => process.send?.({ type: COLLECTED, id: message.id, metrics } satisfies Message));
    } else if (message.type === RESPONSE) {
      this.#waiting.get(message.id)?.(message.text);
      this.#waiting.delete(message.id);
    }
  };

  constructor(registry: Registry, options: { timeoutMs?: number } = {}) {
    this.#registry = registry;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    if (cluster.isWorker && process.send !== undefined) {
      process.on("message", this.#onMessage);
      // A message sent before a process listens is lost, so the worker asks (once listening) and the primary answers.
      process.send({ type: WORKER_HELLO } satisfies Message);
    }
  }

  aggregated(): Promise<string | undefined> {
    if (!cluster.isWorker || !this.#primaryAggregates || process.send === undefined) return Promise.resolve(undefined);
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        resolve(undefined);
      }, this.#timeoutMs);
      this.#waiting.set(id, (text) => {
        clearTimeout(timer);
        resolve(text);
      });
      process.send!({ type: REQUEST, id } satisfies Message);
    });
  }

  close(): void {
    process.removeListener("message", this.#onMessage);
    for (const resolve of this.#waiting.values()) resolve(undefined);
    this.#waiting.clear();
  }
}
