import { isMufflerError } from "@muffler/core";
import { ROUTER_ERROR_CODES } from "../errors.ts";

/** OpenAI's error body: `{ error: { message, type, param, code } }`. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** An error answered over HTTP in OpenAI's format. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly body: OpenAIErrorBody;
  constructor(statusCode: number, message: string, options: { type?: string; code?: string | null; param?: string | null } = {}) {
    super(message);
    this.statusCode = statusCode;
    this.body = {
      error: {
        message,
        type: options.type ?? (statusCode >= 500 ? "api_error" : statusCode === 401 ? "authentication_error" : "invalid_request_error"),
        param: options.param ?? null,
        code: options.code ?? null,
      },
    };
  }
}

const FASTIFY_CODES: Record<string, { status: number; code: string; message?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: "invalid_json", message: "The request body is not valid JSON." },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: "invalid_json", message: "The request body is empty; send a JSON object." },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: "request_too_large" },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: "unsupported_media_type", message: "Send the body as application/json." },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: "invalid_content_length" },
};

const NOT_FOUND_CODES: ReadonlySet<string> = new Set([ROUTER_ERROR_CODES.unknownRouterModel]);

/** Maps anything thrown in a handler to an HttpError (`redact` scrubs secrets from messages). */
export function toHttpError(error: unknown, redact: (text: string) => string): HttpError {
  if (error instanceof HttpError) return error;
  if (isMufflerError(error)) {
    if (error.kind === "internal") return new HttpError(500, redact(error.message), { code: error.code });
    const status = NOT_FOUND_CODES.has(error.code) ? 404 : 400;
    return new HttpError(status, redact(error.message), { code: error.code, param: error.location.field ?? null });
  }
  const fastifyError = error as { code?: string; statusCode?: number; message?: string };
  const known = fastifyError.code !== undefined ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (known !== undefined) return new HttpError(known.status, known.message ?? redact(String(fastifyError.message)), { code: known.code });
  if (typeof fastifyError.statusCode === "number" && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new HttpError(fastifyError.statusCode, redact(String(fastifyError.message ?? "Bad request.")), { code: fastifyError.code ?? null });
  }
  return new HttpError(500, "Internal server error.", { code: "internal_error" });
}
