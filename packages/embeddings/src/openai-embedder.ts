import { MufflerError } from "@muffler/core";
import type { EmbedOptions, Embedder } from "./embedder.ts";
import { EMBEDDINGS_ERROR_CODES } from "./errors.ts";
import { l2NormalizeInPlace } from "./internal/l2-normalize.ts";
import { prepareTexts, throwIfAborted } from "./internal/prepare-texts.ts";
import { postWithRetries, type RetryOptions } from "./internal/post-with-retries.ts";

/** The dimensions of the OpenAI models whose size is known without asking the endpoint. */
export const OPENAI_MODEL_DIMENSIONS: Readonly<Record<string, number>> = {
  "text-embedding-3-small": 1536,
  "text-embedding-3-large": 3072,
  "text-embedding-ada-002": 1536,
};

/** The base URL when neither `baseUrl` nor `OPENAI_BASE_URL` is set. */
export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";

/**
 * Options of the `openai:<model>` embedder. What is stored beside a router (`baseUrl`, `dimensions`, `apiKeyEnv`) never
 * holds a key: the key is read from the environment variable `apiKeyEnv` names.
 */
export interface OpenAIEmbedderOptions extends RetryOptions {
  /** The model the endpoint serves, e.g. `text-embedding-3-small` (OpenAI), `nomic-embed-text` (Ollama). */
  model: string;
  /** The API's base URL, up to and including `/v1`. @default process.env.OPENAI_BASE_URL, else https://api.openai.com/v1 */
  baseUrl?: string;
  /** The environment variable that holds the API key; unset or empty sends no Authorization header (local servers). @default "OPENAI_API_KEY" */
  apiKeyEnv?: string;
  /**
   * Ask for vectors of this length (`dimensions` in the request; text-embedding-3 models shorten theirs). Without it
   * the model's own length: known for OpenAI's models, else asked of the endpoint once, with a one-word text.
   * @default the model's own
   */
  dimensions?: number;
  /** The most texts in one request: the endpoint's input limit (2048 for OpenAI). @default 2048 */
  maxInputs?: number;
  /** The most characters in one request, so that a request stays under token limits (OpenAI: 300k tokens). @default 400000 */
  maxRequestCharacters?: number;
  /** Texts are cut to their first `maxCharacters` UTF-16 units (OpenAI reads at most 8,192 tokens of one). Part of the id. @default 24000 */
  maxCharacters?: number;
  /** Requests in flight at once. @default 4 */
  concurrency?: number;
  /** The process environment the base URL and the key are read from (tests). @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Embeds with any OpenAI-compatible `POST <baseUrl>/embeddings` (OpenAI, Azure OpenAI's v1 API, Ollama, vLLM, TEI,
 * LM Studio). Texts go in requests of up to `maxInputs` (and `maxRequestCharacters`), `concurrency` at a time, in
 * input order; 408, 409, 429, 5xx, timeouts and refused connections are retried with exponential backoff, honouring
 * `Retry-After` / `retry-after-ms`. Vectors are L2-normalized (OpenAI's already are, to float precision). The id is
 * `openai:<model>;dimensions=<n>;max-characters=<m>`: the base URL is not part of it, so one model served at two URLs
 * shares its cache.
 *
 * Errors: `embeddings/remote-unauthorized` (401/403), `embeddings/remote-not-found` (404), `embeddings/remote-failed`
 * (other 4xx, or every retry used up), `embeddings/bad-model-output` (a body that is not JSON, the wrong number of
 * vectors, a vector of the wrong length or with non-finite values); each names the URL and never the key.
 */
export async function createOpenAIEmbedder(options: OpenAIEmbedderOptions): Promise<Embedder> {
  const env = options.env ?? process.env;
  const model = options.model;
  if (typeof model !== "string" || model.trim() === "") {
    throw new MufflerError("the openai embedder needs a model name (openai:<model>).", { code: EMBEDDINGS_ERROR_CODES.badOption, field: "model", hint: "For example openai:text-embedding-3-small." });
  }
  const baseUrl = normalizeBaseUrl(options.baseUrl ?? nonEmpty(env.OPENAI_BASE_URL) ?? OPENAI_DEFAULT_BASE_URL);
  const url = `${baseUrl}/embeddings`;
  const apiKeyEnv = options.apiKeyEnv ?? "OPENAI_API_KEY";
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(apiKeyEnv)) {
    throw new MufflerError(`apiKeyEnv must name an environment variable, got ${JSON.stringify(apiKeyEnv.slice(0, 40))}.`, {
      code: EMBEDDINGS_ERROR_CODES.badOption,
      field: "apiKeyEnv",
      hint: "Give the variable's name (e.g. OPENAI_API_KEY), never the key itself.",
    });
  }
  const maxInputs = positiveInteger(options.maxInputs ?? 2048, "maxInputs");
  const maxRequestCharacters = positiveInteger(options.maxRequestCharacters ?? 400_000, "maxRequestCharacters");
  const maxCharacters = positiveInteger(options.maxCharacters ?? 24_000, "maxCharacters");
  const concurrency = positiveInteger(options.concurrency ?? 4, "concurrency");
  if (options.dimensions !== undefined) positiveInteger(options.dimensions, "dimensions");
  const retry: RetryOptions = { ...options };

  const request = async (texts: readonly string[], signal: AbortSignal | undefined, expected: number | undefined): Promise<Float32Array[]> => {
    const apiKey = nonEmpty(env[apiKeyEnv]);
    const body = JSON.stringify({ model, input: texts, encoding_format: "float", ...(options.dimensions !== undefined && { dimensions: options.dimensions }) });
    const json = await postWithRetries({ ...retry, url, body, apiKey, apiKeyEnv, model, signal });
    return readVectors(json, texts.length, expected, url);
  };

  let dimension = options.dimensions ?? OPENAI_MODEL_DIMENSIONS[model];
  if (dimension === undefined) {
    const [probe] = await request(["dimension"], undefined, undefined);
    dimension = probe!.length;
  }
  const id = `openai:${model};dimensions=${dimension};max-characters=${maxCharacters}`;
  const size = dimension;

  return {
    id,
    dimension: size,
    async embed(texts: readonly string[], embedOptions: EmbedOptions = {}): Promise<Float32Array[]> {
      const prepared = prepareTexts(texts).map((text) => (text.length > maxCharacters ? text.slice(0, maxCharacters) : text));
      const batches = requestBatches(prepared, maxInputs, maxRequestCharacters);
      const result = new Array<Float32Array>(prepared.length);
      const total = prepared.length;
      let done = 0;
      let next = 0;
      let failed = false;
      embedOptions.onProgress?.({ stage: "embed", done, total, unit: "texts" });
      const worker = async (): Promise<void> => {
        while (!failed && next < batches.length) {
          const batch = batches[next++]!;
          throwIfAborted(embedOptions.signal);
          let vectors: Float32Array[];
          try {
            vectors = await request(prepared.slice(batch.start, batch.end), embedOptions.signal, size);
          } catch (error) {
            failed = true;
            throw error;
          }
          vectors.forEach((vector, index) => (result[batch.start + index] = vector));
          done += batch.end - batch.start;
          embedOptions.onProgress?.({ stage: "embed", done, total, unit: "texts", detail: { requests: batches.length } });
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
      return result;
    },
  };
}

/** Consecutive ranges of at most `maxInputs` texts and `maxCharacters` characters (a longer single text goes alone). */
function requestBatches(texts: readonly string[], maxInputs: number, maxCharacters: number): { start: number; end: number }[] {
  const batches: { start: number; end: number }[] = [];
  let start = 0;
  let characters = 0;
  for (let index = 0; index < texts.length; index++) {
    const length = texts[index]!.length;
    if (index > start && (index - start >= maxInputs || characters + length > maxCharacters)) {
      batches.push({ start, end: index });
      start = index;
      characters = 0;
    }
    characters += length;
  }
  if (start < texts.length) batches.push({ start, end: texts.length });
  return batches;
}

/** The vectors of an embeddings response, in input order (by `index`), checked and L2-normalized. */
function readVectors(json: unknown, count: number, dimension: number | undefined, url: string): Float32Array[] {
  const bad = (what: string) =>
    new MufflerError(`${url} answered ${what}.`, {
      code: EMBEDDINGS_ERROR_CODES.badModelOutput,
      kind: "internal",
      hint: "Check that the base URL points at an OpenAI-compatible API (POST /v1/embeddings) and that the model is an embedding model.",
    });
  const data = (json as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw bad("JSON without a data array");
  if (data.length !== count) throw bad(`${data.length} embeddings for ${count} texts`);
  const result = new Array<Float32Array>(count);
  data.forEach((item: unknown, position) => {
    const entry = item as { index?: unknown; embedding?: unknown } | null;
    const index = typeof entry?.index === "number" ? entry.index : position;
    const embedding = entry?.embedding;
    if (!Number.isInteger(index) || index < 0 || index >= count || result[index] !== undefined) throw bad(`an embedding with a missing or repeated index (${String(entry?.index)})`);
    if (!Array.isArray(embedding) || embedding.length === 0) throw bad(`an embedding that is not an array of numbers (text ${index}; base64 is not asked for)`);
    if (dimension !== undefined && embedding.length !== dimension) throw bad(`a ${embedding.length}-d embedding for text ${index}, expected ${dimension}-d`);
    const vector = Float32Array.from(embedding as number[]);
    if (!vector.every(Number.isFinite)) throw bad(`an embedding with values that are not finite numbers (text ${index})`);
    result[index] = l2NormalizeInPlace(vector);
  });
  return result;
}

function normalizeBaseUrl(value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new MufflerError(`baseUrl ${JSON.stringify(value.slice(0, 200))} is not a URL.`, { code: EMBEDDINGS_ERROR_CODES.badOption, field: "baseUrl", hint: "For example https://api.openai.com/v1 or http://127.0.0.1:11434/v1." });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new MufflerError(`baseUrl must be http or https, got ${parsed.protocol}`, { code: EMBEDDINGS_ERROR_CODES.badOption, field: "baseUrl" });
  }
  if (parsed.username !== "" || parsed.password !== "") {
    throw new MufflerError("baseUrl must not hold credentials; put the key in an environment variable (apiKeyEnv).", { code: EMBEDDINGS_ERROR_CODES.badOption, field: "baseUrl" });
  }
  return value.replace(/\/+$/, "");
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function positiveInteger(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new MufflerError(`${field} must be a positive integer, got ${String(value)}.`, { code: EMBEDDINGS_ERROR_CODES.badOption, field });
  }
  return value;
}
