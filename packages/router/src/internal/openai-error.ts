import { isMufflerError, type MufflerErrorCode } from "@muffler/core";
import { ROUTER_ERROR_CODES } from "../errors.ts";
import { httpStatusFor } from "../http-status.ts";

/** OpenAI's error body: `{ error: { message, type, param, code } }`; `code` is always a Muffler code. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: MufflerErrorCode };
}

export interface HttpErrorOptions {
  /** The request field at fault (`messages.0.content`). @default null */
  param?: string | null;
  /** OpenAI's error `type`. @default derived from the status and code */
  type?: string;
  /** Only for a relayed upstream status; every other status comes from `HTTP_STATUS_BY_CODE`. @default httpStatusFor(code) */
  status?: number;
  /** @default "input" */
  kind?: "input" | "internal";
  /** Response headers that go with the error (`retry-after`). @default {} */
  headers?: Record<string, string>;
}

/** An error answered over HTTP in OpenAI's format; its status comes from the one table in `http-status.ts`. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly body: OpenAIErrorBody;
  /** Response headers that go with the error (`retry-after`). */
  readonly headers: Record<string, string>;
  constructor(code: MufflerErrorCode, message: string, options: HttpErrorOptions = {}) {
    super(message);
    this.statusCode = options.status ?? httpStatusFor({ code, kind: options.kind ?? "input" });
    this.headers = options.headers ?? {};
    this.body = { error: { message, type: options.type ?? openAIErrorType(this.statusCode, code), param: options.param ?? null, code } };
  }
}

/** OpenAI's `type` for a status: authentication_error (401), upstream_error (upstream faults), api_error (5xx), invalid_request_error. */
export function openAIErrorType(status: number, code: string): string {
  if (status === 401) return "authentication_error";
  if (code.startsWith("router/upstream-")) return "upstream_error";
  return status >= 500 ? "api_error" : "invalid_request_error";
}

const FASTIFY_CODES: Record<string, { code: MufflerErrorCode; message?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: ROUTER_ERROR_CODES.invalidJson, message: "The request body is not valid JSON." },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: ROUTER_ERROR_CODES.invalidJson, message: "The request body is empty; send a JSON object." },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: ROUTER_ERROR_CODES.requestTooLarge },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: ROUTER_ERROR_CODES.unsupportedMediaType, message: "Send the body as application/json." },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: ROUTER_ERROR_CODES.invalidContentLength },
};

/** Maps anything thrown in a handler to an HttpError (`redact` scrubs secrets from messages). */
export function toHttpError(error: unknown, redact: (text: string) => string): HttpError {
  if (error instanceof HttpError) return error;
  if (isMufflerError(error)) {
    const code = error.code as MufflerErrorCode;
    if (error.kind === "internal") return new HttpError(code, redact(error.message), { kind: "internal" });
    return new HttpError(code, redact(error.message), { param: error.location.field ?? null });
  }
  const fastifyError = error as { code?: string; statusCode?: number; message?: string };
  const known = fastifyError.code !== undefined ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (known !== undefined) return new HttpError(known.code, known.message ?? redact(String(fastifyError.message)));
  if (typeof fastifyError.statusCode === "number" && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new HttpError(ROUTER_ERROR_CODES.invalidRequest, redact(String(fastifyError.message ?? "Bad request.")), { status: fastifyError.statusCode });
  }
  return new HttpError(ROUTER_ERROR_CODES.internal, "Internal server error.", { kind: "internal" });
}

/**
 * The answer to an error Node's HTTP parser raises below fastify's routes (the server's `clientError` event): a
 * header block over the limit, a client too slow to send its request, malformed HTTP.
 */
export function clientErrorAnswer(nodeCode: string | undefined, requestTimeoutMs: number): HttpError {
  if (nodeCode === "ERR_HTTP_REQUEST_TIMEOUT") {
    return new HttpError(ROUTER_ERROR_CODES.requestTimeout, `The request was not received within ${requestTimeoutMs} ms (headers and body); send it faster or raise requestTimeoutMs.`);
  }
  if (nodeCode === "HPE_HEADER_OVERFLOW") {
    return new HttpError(ROUTER_ERROR_CODES.requestHeaderTooLarge, "The request headers are larger than the server accepts (16 KiB in all); send fewer or smaller headers.");
  }
  const detail =
    nodeCode === "HPE_INVALID_CONTENT_LENGTH" || nodeCode === "HPE_UNEXPECTED_CONTENT_LENGTH"
      ? "Content-Length must be one non-negative integer, and may not be sent with Transfer-Encoding: chunked"
      : nodeCode === "HPE_INVALID_TRANSFER_ENCODING" || nodeCode === "HPE_INVALID_CHUNK_SIZE"
        ? "the chunked Transfer-Encoding is malformed"
        : "the request is not valid HTTP/1.1";
  return new HttpError(ROUTER_ERROR_CODES.malformedHttpRequest, `Malformed HTTP request: ${detail}${nodeCode !== undefined ? ` (${nodeCode})` : ""}.`);
}

/** The raw HTTP/1.1 bytes of an error answer, for a socket that fastify never turned into a request. */
export function rawHttpAnswer(error: HttpError): string {
  const body = JSON.stringify(error.body);
  const reason = STATUS_REASONS[error.statusCode] ?? "Error";
  const extra = Object.entries(error.headers).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  return `HTTP/1.1 ${error.statusCode} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n${extra}\r\n${body}`;
}

const STATUS_REASONS: Record<number, string> = { 400: "Bad Request", 408: "Request Timeout", 431: "Request Header Fields Too Large", 503: "Service Unavailable" };
