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
}

/** An error answered over HTTP in OpenAI's format; its status comes from the one table in `http-status.ts`. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly body: OpenAIErrorBody;
  constructor(code: MufflerErrorCode, message: string, options: HttpErrorOptions = {}) {
    super(message);
    this.statusCode = options.status ?? httpStatusFor({ code, kind: options.kind ?? "input" });
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
