// One load run with autocannon that keeps what the benchmark reports: each response's status and latency (so that
// the p99 of the accepted requests is not mixed with the 503s), Retry-After on the 503s, and every request that got
// no answer (socket errors, timeouts: the "dropped silently").
import autocannon, { type Result as AutocannonResult } from "autocannon";

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  /** The next request's body (JSON text). */
  body: () => string;
  /** Request timeout in seconds. @default 30 */
  timeoutSeconds?: number;
}

export interface LoadRun {
  connections: number;
  seconds: number;
  /** Responses by status code. */
  statuses: Record<string, number>;
  /** Responses with status 2xx per second. */
  acceptedPerSecond: number;
  /** Latency percentiles of the 2xx responses, in ms. */
  acceptedP50Ms: number;
  acceptedP99Ms: number;
  /** Latency percentiles of every response, in ms. */
  allP99Ms: number;
  /** 503 responses without a Retry-After header. */
  refusedWithoutRetryAfter: number;
  /** Requests that got no HTTP answer: socket errors and timeouts. */
  unanswered: number;
  raw: Pick<AutocannonResult, "errors" | "timeouts" | "non2xx" | "duration">;
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

export async function runLoad(options: LoadOptions): Promise<LoadRun> {
  const accepted: number[] = [];
  const all: number[] = [];
  const statuses: Record<string, number> = {};
  let refusedWithoutRetryAfter = 0;
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    timeout: options.timeoutSeconds ?? 30,
    requests: [
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        setupRequest: (request) => ({ ...request, body: options.body() }),
        onResponse: (status, _body, _context, headers) => {
          if (status === 503 && headers["retry-after"] === undefined) refusedWithoutRetryAfter++;
        },
      },
    ],
  });
  instance.on("response", (_client: unknown, status: number, _bytes: number, latencyMs: number) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
    all.push(latencyMs);
    if (status >= 200 && status < 300) accepted.push(latencyMs);
  });
  const result = await instance;
  accepted.sort((a, b) => a - b);
  all.sort((a, b) => a - b);
  return {
    connections: options.connections,
    seconds: round(result.duration, 2),
    statuses,
    acceptedPerSecond: round(accepted.length / result.duration),
    acceptedP50Ms: round(percentile(accepted, 0.5)),
    acceptedP99Ms: round(percentile(accepted, 0.99)),
    allP99Ms: round(percentile(all, 0.99)),
    refusedWithoutRetryAfter,
    unanswered: result.errors + result.timeouts,
    raw: { errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, duration: result.duration },
  };
}
