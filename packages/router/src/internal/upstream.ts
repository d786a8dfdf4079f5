import type { UpstreamConfig } from "../server-config.ts";

/** Upstream statuses that point at Muffler's configuration of the upstream (key, base URL, model), not the request. */
export const UPSTREAM_CONFIG_STATUSES: ReadonlySet<number> = new Set([401, 403, 404]);

/** Why an upstream call failed. */
export type UpstreamFailureReason = "timeout" | "connection" | "status" | "malformed";

/** A failed upstream call, before any byte went to the client. */
export class UpstreamFailure extends Error {
  readonly reason: UpstreamFailureReason;
  readonly status: number | undefined;
  readonly upstreamError: { message?: string; type?: string; code?: string | null } | undefined;
  /** The upstream's `Retry-After` header, when it sent a well-formed one (seconds or an HTTP date). */
  readonly retryAfter: string | undefined;
  constructor(
    reason: UpstreamFailureReason,
    message: string,
    options: { status?: number; upstreamError?: UpstreamFailure["upstreamError"]; retryAfter?: string | undefined } = {},
  ) {
    super(message);
    this.reason = reason;
    this.status = options.status;
    this.upstreamError = options.upstreamError;
    this.retryAfter = options.retryAfter;
  }
  /**
   * Worth trying the other upstream: the upstream is down or broken (no answer, 5xx, malformed), or refuses Muffler's
   * own credentials or address (401, 403, 404: its configuration, not the request). Other 4xx are the request's fault.
   */
  get retriable(): boolean {
    if (this.reason !== "status") return true;
    const status = this.status ?? 500;
    return status >= 500 || UPSTREAM_CONFIG_STATUSES.has(status);
  }
}

export type UpstreamResult =
  | { kind: "json"; status: number; body: unknown }
  | { kind: "stream"; status: number; body: ReadableStream<Uint8Array>; controller: AbortController; contentType: string };

export interface CallUpstreamOptions {
  upstream: UpstreamConfig;
  /** The request body as JSON text, `model` already replaced (serialized by the caller, before any upstream call). */
  body: string;
  stream: boolean;
  timeoutMs: number;
  fetch: typeof fetch;
  /** Aborts when the client goes away. */
  signal: AbortSignal;
  /** Names the upstream in messages ("strong", "weak"). @default undefined ("The upstream") */
  label?: string;
}

class TimeoutMarker extends Error {}

/**
 * Posts a chat completion to an OpenAI-compatible upstream. Resolves with the parsed JSON (non-streaming), or with
 * the open event stream (streaming; the caller owns `controller` and reading `body`). Rejects with UpstreamFailure.
 * The timeout covers the whole call when not streaming, and the wait for the response headers when streaming.
 */
export async function callUpstream(options: CallUpstreamOptions): Promise<UpstreamResult> {
  const controller = new AbortController();
  const onClientAbort = () => controller.abort(options.signal.reason);
  if (options.signal.aborted) onClientAbort();
  else options.signal.addEventListener("abort", onClientAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new TimeoutMarker()), options.timeoutMs);
  let keepOpen = false;
  try {
    const url = `${options.upstream.baseUrl.replace(/\/+$/, "")}/chat/completions`;
    const headers: Record<string, string> = { "content-type": "application/json", accept: options.stream ? "text/event-stream" : "application/json" };
    if (options.upstream.apiKey !== undefined) headers.authorization = `Bearer ${options.upstream.apiKey}`;
    let response: Response;
    try {
      response = await options.fetch(url, { method: "POST", headers, body: options.body, signal: controller.signal });
    } catch (error) {
      throw failureOf(error, controller, options.timeoutMs, upstreamName(options.label));
    }
    const contentType = response.headers.get("content-type") ?? "";
    if (response.ok && options.stream && contentType.includes("text/event-stream") && response.body !== null) {
      clearTimeout(timer);
      keepOpen = true;
      return { kind: "stream", status: response.status, body: response.body, controller, contentType };
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw failureOf(error, controller, options.timeoutMs, upstreamName(options.label));
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const upstreamError = (parsed as { error?: { message?: unknown; type?: unknown; code?: unknown } } | undefined)?.error;
      throw new UpstreamFailure("status", `${upstreamName(options.label)} answered HTTP ${response.status}.`, {
        status: response.status,
        retryAfter: retryAfterOf(response.headers.get("retry-after")),
        upstreamError:
          upstreamError !== null && typeof upstreamError === "object"
            ? {
                ...(typeof upstreamError.message === "string" && { message: upstreamError.message }),
                ...(typeof upstreamError.type === "string" && { type: upstreamError.type }),
                ...(typeof upstreamError.code === "string" && { code: upstreamError.code }),
              }
            : undefined,
      });
    }
    if (parsed === undefined || parsed === null || typeof parsed !== "object") {
      throw new UpstreamFailure("malformed", `${upstreamName(options.label)} answered with a body that is not a JSON object.`);
    }
    return { kind: "json", status: response.status, body: parsed };
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener("abort", onClientAbort);
    if (!keepOpen) controller.abort();
  }
}

function upstreamName(label: string | undefined): string {
  return label === undefined ? "The upstream" : `The ${label} upstream`;
}

function failureOf(error: unknown, controller: AbortController, timeoutMs: number, name: string): UpstreamFailure {
  if (controller.signal.reason instanceof TimeoutMarker) {
    return new UpstreamFailure("timeout", `${name} did not answer within ${timeoutMs} ms.`);
  }
  const cause = (error as { cause?: { code?: unknown; errors?: { code?: unknown }[] } }).cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  return new UpstreamFailure("connection", `${name} could not be reached${typeof code === "string" ? ` (${code})` : ""}.`);
}

/** A Retry-After value worth relaying: delay seconds (at most 5 digits) or an HTTP date; anything else is dropped. */
function retryAfterOf(value: string | null): string | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d{1,5}$/.test(text)) return text;
  if (text.length <= 40 && /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return text;
  return undefined;
}
