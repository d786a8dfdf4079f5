import { isMufflerError, MufflerError } from "@muffler/core";
import { EMBEDDINGS_ERROR_CODES } from "../errors.ts";

/** How a remote embedder waits and retries. */
export interface RetryOptions {
  /** Retries after the first attempt, for 408, 409, 429, 5xx, timeouts and failed connections. @default 5 */
  maxRetries?: number;
  /** The first backoff; each retry doubles it, with up to 25% jitter off. @default 500 */
  initialBackoffMs?: number;
  /** The longest wait between two attempts, `Retry-After` included. @default 60000 */
  maxBackoffMs?: number;
  /** One attempt's limit, from sending the request to the end of the body. @default 60000 */
  timeoutMs?: number;
  /** The fetch implementation (tests, proxies). @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Waits `ms` (tests pass a fake clock). @default a timer that the call's signal cancels */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** A number in [0, 1) for the jitter. @default Math.random */
  random?: () => number;
}

interface PostOptions extends RetryOptions {
  url: string;
  body: string;
  /** Sent as a bearer token; never put in an error. */
  apiKey: string | undefined;
  /** The variable the key came from, for messages. */
  apiKeyEnv: string;
  model: string;
  signal: AbortSignal | undefined;
}

const RETRIED_STATUSES = new Set([408, 409, 429]);

/** POSTs `body` as JSON and returns the parsed JSON answer, retrying what is worth retrying. */
export async function postWithRetries(options: PostOptions): Promise<unknown> {
  const { url, apiKey, apiKeyEnv, signal } = options;
  const maxRetries = options.maxRetries ?? 5;
  const initialBackoffMs = options.initialBackoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const fetchFunction = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const redact = (text: string) => (apiKey === undefined ? text : text.split(apiKey).join("[redacted]"));
  let lastProblem = "";
  for (let attempt = 0; ; attempt++) {
    throwIfCancelled(signal);
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => controller.abort(new TimeoutError()), timeoutMs);
    let status: number | undefined;
    let retryAfterMs: number | undefined;
    try {
      const response = await fetchFunction(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", ...(apiKey !== undefined && { authorization: `Bearer ${apiKey}` }) },
        body: options.body,
        signal: controller.signal,
      });
      status = response.status;
      const text = await response.text();
      if (response.ok) {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          throw new MufflerError(`${url} answered ${status} with a body that is not JSON (${JSON.stringify(redact(text.slice(0, 120)))}).`, {
            code: EMBEDDINGS_ERROR_CODES.badModelOutput,
            kind: "internal",
            hint: "Check that the base URL points at an OpenAI-compatible API (it must end in /v1).",
          });
        }
      }
      const detail = redact(errorDetail(text));
      if (status === 401 || status === 403) {
        throw new MufflerError(`${url} refused the request with ${status}${detail}.`, {
          code: EMBEDDINGS_ERROR_CODES.remoteUnauthorized,
          hint: apiKey === undefined ? `No API key was sent: set ${apiKeyEnv} (or name another variable with apiKeyEnv).` : `Check the key in ${apiKeyEnv}.`,
        });
      }
      if (status === 404) {
        throw new MufflerError(`${url} answered 404 for model "${options.model}"${detail}.`, {
          code: EMBEDDINGS_ERROR_CODES.remoteNotFound,
          hint: "The base URL must end in /v1 (e.g. http://127.0.0.1:11434/v1), and the endpoint must serve that model.",
        });
      }
      if (!RETRIED_STATUSES.has(status) && status < 500) {
        throw new MufflerError(`${url} refused the request with ${status}${detail}.`, {
          code: EMBEDDINGS_ERROR_CODES.remoteFailed,
          hint: "Check the model name, the dimensions option (only some models take it) and the endpoint's input limits (maxInputs, maxCharacters).",
        });
      }
      lastProblem = `${status}${detail}`;
      retryAfterMs = retryAfter(response.headers);
    } catch (error) {
      if (isMufflerError(error)) throw error;
      throwIfCancelled(signal);
      const timedOut = controller.signal.reason instanceof TimeoutError;
      lastProblem = timedOut ? `no answer within ${timeoutMs} ms` : `the connection failed (${redact(describeCause(error))})`;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
    if (attempt >= maxRetries) {
      throw new MufflerError(`${url} failed after ${attempt + 1} attempts: ${lastProblem}.`, {
        code: EMBEDDINGS_ERROR_CODES.remoteFailed,
        kind: "internal",
        hint: "Check that the endpoint is up; raise maxRetries or timeoutMs, or lower concurrency for a rate-limited key.",
      });
    }
    const backoff = initialBackoffMs * 2 ** attempt * (1 - 0.25 * random());
    await sleep(Math.min(maxBackoffMs, retryAfterMs ?? backoff), signal);
  }
}

class TimeoutError extends Error {}

/** `retry-after-ms` (OpenAI's), else `Retry-After` in seconds or as an HTTP date. */
function retryAfter(headers: Headers): number | undefined {
  const milliseconds = Number(headers.get("retry-after-ms"));
  if (headers.has("retry-after-ms") && Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = headers.get("retry-after");
  if (value === null) return undefined;
  const seconds = Number(value);
  if (value.trim() !== "" && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** `: <message>` from an OpenAI error body, or the start of any other body. */
function errorDetail(text: string): string {
  if (text.trim() === "") return "";
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } | string }).error;
    const value = typeof message === "string" ? message : message?.message;
    if (typeof value === "string") return `: ${value.slice(0, 300)}`;
  } catch {
    // not JSON: show its start
  }
  return `: ${text.slice(0, 200)}`;
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === "string") return cause.code;
  return error instanceof Error ? error.message : String(error);
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new MufflerError("embedding was cancelled.", { code: EMBEDDINGS_ERROR_CODES.aborted, cause: signal.reason });
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
