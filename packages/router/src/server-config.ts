import { readFile } from "node:fs/promises";
import { MufflerError } from "@muffler/core";
import { z } from "zod";
import { ROUTER_ERROR_CODES } from "./errors.ts";
import { ROUTE_TURNS } from "./route-input.ts";

const upstreamSchema = z
  .object({
    /** OpenAI-compatible base URL, e.g. `https://api.openai.com/v1` (the server posts to `<baseUrl>/chat/completions`). */
    baseUrl: z.url({ protocol: /^https?$/ }),
    /** The API key, sent as `Authorization: Bearer <apiKey>`. Prefer `apiKeyEnv`. */
    apiKey: z.string().min(1).optional(),
    /** The name of an environment variable holding the API key. */
    apiKeyEnv: z.string().min(1).optional(),
    /** The model name sent upstream. @default the router manifest's strong/weak model name */
    model: z.string().min(1).optional(),
  })
  .strict();

export const serverConfigSchema = z
  .object({
    strong: upstreamSchema,
    weak: upstreamSchema,
    host: z.string().min(1).optional(),
    port: z.number().int().min(0).max(65_535).optional(),
    /** Bearer keys clients must send; none means no authentication. */
    apiKeys: z.array(z.string().min(8)).optional(),
    upstreamTimeoutMs: z.number().int().positive().optional(),
    fallbackToStrong: z.boolean().optional(),
    bodyLimitBytes: z.number().int().positive().optional(),
    maxPromptChars: z.number().int().positive().optional(),
    /** How long a client may take to send its headers and its whole body, in ms. */
    requestTimeoutMs: z.number().int().positive().optional(),
    /** Requests waiting for a routing decision in one process before new ones get 503 with Retry-After. */
    maxQueuedRequests: z.number().int().positive().optional(),
    /** How long an overload refusal (503) waits before it is sent, in ms (0: at once). */
    overloadRefusalDelayMs: z.number().int().nonnegative().optional(),
    turns: z.enum(ROUTE_TURNS).optional(),
    /** N-candidate routing: one upstream per priced candidate of the router bundle, keyed by its model name. */
    candidates: z.record(z.string().min(1), upstreamSchema).optional(),
  })
  .strict();

/** The serve configuration file (JSON), before environment overrides. */
export type ServerConfigFile = z.infer<typeof serverConfigSchema>;

/** An OpenAI-compatible upstream with its key resolved. */
export interface UpstreamConfig {
  baseUrl: string;
  apiKey?: string;
  model?: string;
}

export interface ServerConfig extends Omit<ServerConfigFile, "strong" | "weak" | "candidates"> {
  strong: UpstreamConfig;
  weak: UpstreamConfig;
  /** One upstream per priced candidate (the automatic model `router-<name>-auto`), keys resolved. */
  candidates?: Record<string, UpstreamConfig>;
}

export interface LoadServerConfigOptions {
  /** A JSON file with the shape of `serverConfigSchema`. @default undefined (environment only) */
  file?: string;
  /**
   * The environment: `MUFFLER_STRONG_BASE_URL`, `MUFFLER_STRONG_API_KEY`, `MUFFLER_STRONG_MODEL`, the same with `WEAK`,
   * `MUFFLER_API_KEYS` (comma-separated client keys), `MUFFLER_UPSTREAM_TIMEOUT_MS`. They override the file.
   * @default process.env
   */
  env?: Record<string, string | undefined>;
}

/**
 * Reads the serve configuration from a JSON file and the environment (the environment wins), validates it, and
 * resolves `apiKeyEnv` names to keys. Error messages name fields, never values, so keys never reach a log.
 */
export async function loadServerConfig(options: LoadServerConfigOptions = {}): Promise<ServerConfig> {
  const env = options.env ?? process.env;
  let raw: Record<string, unknown> = {};
  if (options.file !== undefined) {
    let text: string;
    try {
      text = await readFile(options.file, "utf8");
    } catch (error) {
      throw new MufflerError("Could not read the serve configuration file.", { code: ROUTER_ERROR_CODES.badServerConfig, file: options.file, cause: error });
    }
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new MufflerError("The serve configuration file is not valid JSON.", { code: ROUTER_ERROR_CODES.badServerConfig, file: options.file });
    }
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      throw new MufflerError("The serve configuration file must hold a JSON object.", { code: ROUTER_ERROR_CODES.badServerConfig, file: options.file });
    }
  }
  const merged: Record<string, unknown> = { ...raw };
  for (const side of ["strong", "weak"] as const) {
    const prefix = `MUFFLER_${side.toUpperCase()}_`;
    const fromFile = (raw[side] ?? {}) as Record<string, unknown>;
    const overrides: Record<string, unknown> = {};
    if (env[`${prefix}BASE_URL`]) overrides.baseUrl = env[`${prefix}BASE_URL`];
    if (env[`${prefix}API_KEY`]) overrides.apiKey = env[`${prefix}API_KEY`];
    if (env[`${prefix}MODEL`]) overrides.model = env[`${prefix}MODEL`];
    merged[side] = { ...fromFile, ...overrides };
  }
  if (env.MUFFLER_API_KEYS) merged.apiKeys = env.MUFFLER_API_KEYS.split(",").map((key) => key.trim()).filter(Boolean);
  if (env.MUFFLER_UPSTREAM_TIMEOUT_MS) merged.upstreamTimeoutMs = Number(env.MUFFLER_UPSTREAM_TIMEOUT_MS);

  const parsed = serverConfigSchema.safeParse(merged);
  if (!parsed.success) throw configError(parsed.error.issues[0]!, options.file);
  const config = parsed.data;
  const resolveUpstream = (upstream: z.infer<typeof upstreamSchema>, field: string): UpstreamConfig => {
    const { apiKeyEnv, apiKey, ...rest } = upstream;
    const key = apiKey ?? (apiKeyEnv !== undefined ? env[apiKeyEnv] : undefined);
    if (apiKeyEnv !== undefined && key === undefined) {
      throw new MufflerError(`The environment variable ${apiKeyEnv} named by ${field}.apiKeyEnv is not set.`, {
        code: ROUTER_ERROR_CODES.badServerConfig,
        field: `${field}.apiKeyEnv`,
      });
    }
    return { ...rest, ...(key !== undefined && { apiKey: key }) };
  };
  const { candidates, ...rest } = config;
  return {
    ...rest,
    strong: resolveUpstream(config.strong, "strong"),
    weak: resolveUpstream(config.weak, "weak"),
    ...(candidates !== undefined && { candidates: Object.fromEntries(Object.entries(candidates).map(([model, upstream]) => [model, resolveUpstream(upstream, `candidates.${model}`)])) }),
  };
}

const UPSTREAM_HINT = "Each upstream is { baseUrl, apiKey?, apiKeyEnv?, model? }.";

/** What to do about each field, so that an error ends with advice about the field that was wrong. */
const FIELD_HINTS: Record<string, string> = {
  strong: "Set strong.baseUrl in the file, or MUFFLER_STRONG_BASE_URL.",
  weak: "Set weak.baseUrl in the file, or MUFFLER_WEAK_BASE_URL.",
  "strong.baseUrl": "Set strong.baseUrl to an http(s) URL such as https://api.openai.com/v1, or set MUFFLER_STRONG_BASE_URL.",
  "weak.baseUrl": "Set weak.baseUrl to an http(s) URL such as http://127.0.0.1:8000/v1, or set MUFFLER_WEAK_BASE_URL.",
  "strong.apiKey": "Give a non-empty key, or better name an environment variable with strong.apiKeyEnv.",
  "weak.apiKey": "Give a non-empty key, or better name an environment variable with weak.apiKeyEnv.",
  "strong.apiKeyEnv": "Name the environment variable that holds the strong upstream's key, e.g. OPENAI_API_KEY.",
  "weak.apiKeyEnv": "Name the environment variable that holds the weak upstream's key.",
  "strong.model": "The model name sent to the strong upstream; leave it out to send the router manifest's name.",
  "weak.model": "The model name sent to the weak upstream; leave it out to send the router manifest's name.",
  host: 'The interface to bind, e.g. "127.0.0.1" (the default) or "0.0.0.0".',
  port: "A whole number from 0 to 65535 (0 picks a free port); the default is 6060.",
  apiKeys: "A list of client keys of 8 or more characters each, or MUFFLER_API_KEYS (comma-separated).",
  upstreamTimeoutMs: "A whole number of milliseconds above 0 (default 60000), or MUFFLER_UPSTREAM_TIMEOUT_MS.",
  fallbackToStrong: "true (the default) or false.",
  bodyLimitBytes: "A whole number of bytes above 0 (default 1048576); larger bodies get HTTP 413.",
  maxPromptChars: "A whole number of characters above 0 (default 32000); longer routed text gets HTTP 400.",
  requestTimeoutMs: "A whole number of milliseconds above 0 (default 30000): a client has that long to send its request.",
  maxQueuedRequests: "A whole number above 0 (default 64): requests waiting for a routing decision before new ones get HTTP 503.",
  overloadRefusalDelayMs: "A whole number of milliseconds, 0 or more (default 100): how long an overload 503 waits before it is sent.",
  turns: `One of ${ROUTE_TURNS.join(", ")}.`,
};

/** The keys each object of the configuration accepts (for unknown-key messages). */
function knownKeys(path: readonly PropertyKey[]): string[] {
  const shape =
    path.length === 0 ? serverConfigSchema.shape : path[0] === "strong" || path[0] === "weak" || (path[0] === "candidates" && path.length === 2) ? upstreamSchema.shape : undefined;
  return shape === undefined ? [] : Object.keys(shape);
}

/** A `router/bad-server-config` error for one zod issue: the field by name, and advice about that field. */
function configError(issue: z.core.$ZodIssue, file: string | undefined): MufflerError {
  const where = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0]!;
    const field = [...where, key].join(".");
    const known = knownKeys(issue.path);
    const near = known.find((name) => name.toLowerCase() === key.toLowerCase() || name.toLowerCase().startsWith(key.toLowerCase()) || key.toLowerCase().startsWith(name.toLowerCase()));
    const others = issue.keys.length > 1 ? ` (and ${issue.keys.slice(1).map((other) => `"${other}"`).join(", ")})` : "";
    return new MufflerError(`Invalid serve configuration: unknown key "${key}"${others}${where.length > 0 ? ` in ${where.join(".")}` : ""}.`, {
      code: ROUTER_ERROR_CODES.badServerConfig,
      ...(file !== undefined && { file }),
      field,
      hint: `${near !== undefined ? `Did you mean "${near}"? ` : ""}Known keys${where.length > 0 ? ` of ${where.join(".")}` : ""}: ${known.join(", ")}.`,
    });
  }
  const field = where.join(".");
  const hint = FIELD_HINTS[field] ?? (where[0] === "strong" || where[0] === "weak" ? UPSTREAM_HINT : undefined);
  return new MufflerError(`Invalid serve configuration: ${issue.message}.`, {
    code: ROUTER_ERROR_CODES.badServerConfig,
    ...(file !== undefined && { file }),
    ...(field.length > 0 && { field }),
    ...(hint !== undefined && { hint }),
  });
}
