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
    turns: z.enum(ROUTE_TURNS).optional(),
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

export interface ServerConfig extends Omit<ServerConfigFile, "strong" | "weak"> {
  strong: UpstreamConfig;
  weak: UpstreamConfig;
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
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".");
    throw new MufflerError(`Invalid serve configuration: ${issue.message}.`, {
      code: ROUTER_ERROR_CODES.badServerConfig,
      ...(options.file !== undefined && { file: options.file }),
      field,
      hint: "Set strong.baseUrl and weak.baseUrl in the file, or MUFFLER_STRONG_BASE_URL and MUFFLER_WEAK_BASE_URL.",
    });
  }
  const config = parsed.data;
  const resolve = (side: "strong" | "weak"): UpstreamConfig => {
    const { apiKeyEnv, apiKey, ...rest } = config[side];
    const key = apiKey ?? (apiKeyEnv !== undefined ? env[apiKeyEnv] : undefined);
    if (apiKeyEnv !== undefined && key === undefined) {
      throw new MufflerError(`The environment variable ${apiKeyEnv} named by ${side}.apiKeyEnv is not set.`, {
        code: ROUTER_ERROR_CODES.badServerConfig,
        field: `${side}.apiKeyEnv`,
      });
    }
    return { ...rest, ...(key !== undefined && { apiKey: key }) };
  };
  return { ...config, strong: resolve("strong"), weak: resolve("weak") };
}
