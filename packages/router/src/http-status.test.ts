import { MufflerError } from "@muffler/core";
import { EMBEDDINGS_ERROR_CODES } from "@muffler/embeddings";
import { describe, expect, it } from "vitest";
import { ROUTER_ERROR_CODES } from "./errors.ts";
import { HTTP_STATUS_BY_CODE, httpStatusFor } from "./http-status.ts";
import { toHttpError } from "./internal/openai-error.ts";

describe("httpStatusFor", () => {
  it("answers a code in the table with its status, and any other code by its kind", () => {
    expect(httpStatusFor({ code: ROUTER_ERROR_CODES.unknownRouterModel, kind: "input" })).toBe(404);
    expect(httpStatusFor({ code: ROUTER_ERROR_CODES.invalidApiKey, kind: "input" })).toBe(401);
    expect(httpStatusFor({ code: ROUTER_ERROR_CODES.upstreamTimeout, kind: "internal" })).toBe(504);
    expect(httpStatusFor({ code: ROUTER_ERROR_CODES.invalidThreshold, kind: "input" })).toBe(400);
    expect(httpStatusFor({ code: EMBEDDINGS_ERROR_CODES.modelLoadFailed, kind: "internal" })).toBe(500);
    expect(httpStatusFor({ code: "another-copy/unknown", kind: "internal" })).toBe(500);
  });

  it("names only router codes, each of the router/kebab-case style", () => {
    const routerCodes = new Set<string>(Object.values(ROUTER_ERROR_CODES));
    for (const code of Object.keys(HTTP_STATUS_BY_CODE)) {
      expect(routerCodes.has(code), code).toBe(true);
    }
    for (const code of routerCodes) expect(code).toMatch(/^router\/[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it("is what the server's error mapping uses", () => {
    const redact = (text: string) => text;
    const notFound = toHttpError(new MufflerError("no such model", { code: ROUTER_ERROR_CODES.unknownRouterModel, field: "model" }), redact);
    expect(notFound.statusCode).toBe(404);
    expect(notFound.body.error).toMatchObject({ code: "router/unknown-model", param: "model", type: "invalid_request_error" });
    const internal = toHttpError(new MufflerError("embedder down", { code: ROUTER_ERROR_CODES.embeddingFailed, kind: "internal" }), redact);
    expect(internal.statusCode).toBe(500);
    expect(internal.body.error.type).toBe("api_error");
    const bug = toHttpError(new TypeError("x is undefined"), redact);
    expect(bug.statusCode).toBe(500);
    expect(bug.body.error).toMatchObject({ code: "router/internal", message: "Internal server error." });
  });
});
