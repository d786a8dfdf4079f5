import type { UpstreamConfig } from "../server-config.ts";

/** Why an upstream call failed. */
export type UpstreamFailureReason = "timeout" | "connection" | "status" | "malformed";

/** A failed upstream call, before any byte went to the client. */
export class UpstreamFailure extends Error {
  readonly reason: UpstreamFailureReason;
  readonly status: number | undefined;
  readonly upstreamError: { message?: string; type?: string; code?: string | null } | undefined;
  constructor(reason: UpstreamFailureReason, message: string, options: { status?: number; upstreamError?: UpstreamFailure["upstreamError"] } = {}) {
    super(message);
    this.reason = reason;
    this.status = options.status;
    this.upstreamError = options.upstreamError;
  }
  /** Worth trying the other upstream: the upstream is down or broken, not the request (4xx). */
  get retriable(): boolean {
    return this.reason !== "status" || (this.status ?? 500) >= 500;
  }
}

export type UpstreamResult =
  | { kind: "json"; status: number; body: unknown }
  | { kind: "stream"; status: number; body: ReadableStream<Uint8Array>; controller: AbortController; contentType: string };

export interface CallUpstreamOptions {
  upstream: UpstreamConfig;
  /** The request body, `model` already replaced. */
  body: Record<string, unknown>;
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
      response = await options.fetch(url, { method: "POST", headers, body: JSON.stringify(options.body), signal: controller.signal });
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
