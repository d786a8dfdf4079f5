import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fakeVector, startFakeEmbeddingsServer, type FakeAnswer, type SeenRequest } from "./__fixtures__/fake-embeddings-server.ts";
import { withEmbeddingCache } from "./cached-embedder.ts";
import { createEmbedder } from "./create-embedder.ts";
import { EmbeddingCache } from "./embedding-cache.ts";
import { createOpenAIEmbedder, type OpenAIEmbedderOptions } from "./openai-embedder.ts";

const KEY = "sk-test-secret-0123456789";
let servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

async function serve(options: { dimension?: number; handler?: (request: SeenRequest, index: number) => FakeAnswer } = {}) {
  const server = await startFakeEmbeddingsServer(options);
  servers.push(server);
  return server;
}

function normalized(values: number[]): number[] {
  const norm = Math.hypot(...values);
  return values.map((value) => Math.fround(value / norm));
}

function embedder(baseUrl: string, options: Partial<OpenAIEmbedderOptions> = {}, waits: number[] = []) {
  return createOpenAIEmbedder({
    model: "text-embedding-3-small",
    baseUrl,
    dimensions: 8,
    env: { OPENAI_API_KEY: KEY },
    sleep: async (ms) => void waits.push(ms),
    random: () => 0,
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { code: (error as { code?: string }).code ?? "none", message: (error as Error).message };
  }
  throw new Error("expected a failure");
}

describe("openai:<model> embedder", () => {
  it("embeds in input order through batched, concurrent requests with the key from OPENAI_API_KEY", async () => {
    const server = await serve();
    const model = await embedder(server.baseUrl, { maxInputs: 3, concurrency: 2 });
    expect(model.id).toBe("openai:text-embedding-3-small;dimensions=8;max-characters=24000");
    expect(model.dimension).toBe(8);
    const texts = Array.from({ length: 10 }, (_, index) => `${"abcdefghij"[index]} text ${"x".repeat(index)}`);
    const progress: number[] = [];
    const vectors = await model.embed(texts, { onProgress: (event) => progress.push(event.done) });
    expect(vectors.map((vector) => [...vector])).toEqual(texts.map((text) => normalized(fakeVector(text, 8))));
    expect(server.requests.map((request) => request.body.input?.length)).toEqual([3, 3, 3, 1]);
    expect(server.requests.flatMap((request) => request.body.input)).toEqual(texts);
    expect(server.requests[0]).toMatchObject({ path: "/v1/embeddings", authorization: `Bearer ${KEY}`, body: { model: "text-embedding-3-small", dimensions: 8, encoding_format: "float" } });
    expect(progress.at(-1)).toBe(10);
  });

  it("splits requests by characters and cuts texts to maxCharacters", async () => {
    const server = await serve();
    const model = await embedder(server.baseUrl, { maxRequestCharacters: 10, maxCharacters: 6 });
    await model.embed(["aaaa", "bbbb", "cccccccccccc", "dd"]);
    expect(server.requests.map((request) => request.body.input)).toEqual([["aaaa", "bbbb"], ["cccccc", "dd"]]);
    expect(model.id).toContain("max-characters=6");
  });

  it("takes the base URL from OPENAI_BASE_URL and the key from the variable apiKeyEnv names; no key, no header", async () => {
    const server = await serve();
    const fromEnv = await createOpenAIEmbedder({ model: "text-embedding-3-small", dimensions: 8, apiKeyEnv: "MY_KEY", env: { OPENAI_BASE_URL: `${server.baseUrl}/`, MY_KEY: "other-key" } });
    await fromEnv.embed(["hello"]);
    expect(server.requests[0]).toMatchObject({ path: "/v1/embeddings", authorization: "Bearer other-key" });
    const keyless = await createOpenAIEmbedder({ model: "nomic-embed-text", baseUrl: server.baseUrl, env: {} });
    expect(keyless.dimension).toBe(8); // asked of the endpoint: one probe request
    await keyless.embed(["hello"]);
    expect(server.requests.slice(1).map((request) => request.authorization)).toEqual([undefined, undefined]);
    expect(server.requests[1]!.body.input).toEqual(["dimension"]);
    expect(server.requests[1]!.body.dimensions).toBeUndefined();
  });

  it("knows the dimension of OpenAI's models without asking", async () => {
    const server = await serve({ dimension: 1536 });
    const model = await createOpenAIEmbedder({ model: "text-embedding-3-small", baseUrl: server.baseUrl, env: {} });
    expect(model.dimension).toBe(1536);
    expect(model.id).toBe("openai:text-embedding-3-small;dimensions=1536;max-characters=24000");
    expect(server.requests).toHaveLength(0);
  });

  it("rejects a body that is not JSON", async () => {
    const server = await serve({ handler: () => ({ body: "<html>gateway</html>" }) });
    const error = await failure((await embedder(server.baseUrl)).embed(["a"]));
    expect(error.code).toBe("embeddings/bad-model-output");
    expect(error.message).toContain(`${server.baseUrl}/embeddings`);
  });

  it("rejects the wrong number of vectors", async () => {
    const server = await serve({ handler: () => ({ body: JSON.stringify({ data: [{ index: 0, embedding: fakeVector("a", 8) }] }) }) });
    const error = await failure((await embedder(server.baseUrl)).embed(["a", "b"]));
    expect(error).toMatchObject({ code: "embeddings/bad-model-output", message: expect.stringContaining("1 embeddings for 2 texts") });
  });

  it("rejects a vector of the wrong dimension, or with a repeated index", async () => {
    const wrong = await serve({ handler: () => ({ body: JSON.stringify({ data: [{ index: 0, embedding: [1, 2, 3] }] }) }) });
    expect(await failure((await embedder(wrong.baseUrl)).embed(["a"]))).toMatchObject({ code: "embeddings/bad-model-output", message: expect.stringContaining("3-d embedding for text 0, expected 8-d") });
    const repeated = await serve({ handler: () => ({ body: JSON.stringify({ data: [0, 0].map((index) => ({ index, embedding: fakeVector("a", 8) })) }) }) });
    expect((await failure((await embedder(repeated.baseUrl)).embed(["a", "b"]))).code).toBe("embeddings/bad-model-output");
  });

  it("retries a 429, waiting what Retry-After says, then succeeds", async () => {
    const server = await serve({ handler: (_, index) => (index === 0 ? { status: 429, headers: { "retry-after": "3" }, body: JSON.stringify({ error: { message: "slow down" } }) } : undefined) });
    const waits: number[] = [];
    const vectors = await (await embedder(server.baseUrl, {}, waits)).embed(["a", "b"]);
    expect(vectors).toHaveLength(2);
    expect(server.requests).toHaveLength(2);
    expect(waits).toEqual([3000]);
  });

  it("retries 5xx and failed connections with exponential backoff, then gives up with embeddings/remote-failed", async () => {
    const server = await serve({ handler: (_, index) => (index < 2 ? { status: 503 } : undefined) });
    const waits: number[] = [];
    await (await embedder(server.baseUrl, { initialBackoffMs: 100 }, waits)).embed(["a"]);
    expect(waits).toEqual([100, 200]);
    const failing = await serve({ handler: () => ({ status: 500, body: "boom" }) });
    const error = await failure((await embedder(failing.baseUrl, { maxRetries: 2 })).embed(["a"]));
    expect(error).toMatchObject({ code: "embeddings/remote-failed", message: expect.stringContaining("failed after 3 attempts: 500: boom") });
    expect(failing.requests).toHaveLength(3);
    const closed = await serve();
    const url = closed.baseUrl;
    await closed.close();
    servers = servers.filter((entry) => entry !== closed);
    expect(await failure((await embedder(url, { maxRetries: 1 })).embed(["a"]))).toMatchObject({ code: "embeddings/remote-failed", message: expect.stringContaining("the connection failed") });
  });

  it("times out a request that never answers, retries it, and names the limit", async () => {
    const server = await serve({ handler: () => ({ hang: true }) });
    const error = await failure((await embedder(server.baseUrl, { timeoutMs: 150, maxRetries: 1 })).embed(["a"]));
    expect(error).toMatchObject({ code: "embeddings/remote-failed", message: expect.stringContaining("no answer within 150 ms") });
    expect(server.requests).toHaveLength(2);
  });

  it("says which URL refused the key on 401, and never shows the key", async () => {
    const server = await serve({ handler: (request) => ({ status: 401, body: JSON.stringify({ error: { message: `Incorrect API key provided: ${request.authorization}` } }) }) });
    const error = await failure((await embedder(server.baseUrl)).embed(["a"]));
    expect(error.code).toBe("embeddings/remote-unauthorized");
    expect(error.message).toContain(`${server.baseUrl}/embeddings`);
    expect(error.message).toContain("OPENAI_API_KEY");
    expect(error.message).not.toContain(KEY);
    expect(server.requests).toHaveLength(1);
  });

  it("says which URL answered 404, and that the base URL ends in /v1", async () => {
    const server = await serve();
    const error = await failure((await embedder(server.baseUrl.replace(/\/v1$/, ""))).embed(["a"]));
    expect(error.code).toBe("embeddings/remote-not-found");
    expect(error.message).toContain(`${server.baseUrl.replace(/\/v1$/, "")}/embeddings`);
    expect(error.message).toContain("/v1");
  });

  it("refuses bad options", async () => {
    await expect(createOpenAIEmbedder({ model: "m", baseUrl: "not a url", env: {} })).rejects.toMatchObject({ code: "embeddings/bad-option", location: { field: "baseUrl" } });
    await expect(createOpenAIEmbedder({ model: "m", baseUrl: "http://user:pass@127.0.0.1/v1", env: {} })).rejects.toMatchObject({ code: "embeddings/bad-option" });
    await expect(createOpenAIEmbedder({ model: "m", apiKeyEnv: "sk-abc def", dimensions: 8, env: {} })).rejects.toMatchObject({ code: "embeddings/bad-option", location: { field: "apiKeyEnv" } });
    await expect(createOpenAIEmbedder({ model: "m", dimensions: 0, env: {} })).rejects.toMatchObject({ code: "embeddings/bad-option", location: { field: "dimensions" } });
  });

  it("is created by createEmbedder('openai:<model>') and goes through the cache (a second call sends nothing)", async () => {
    const server = await serve();
    const model = await createEmbedder("openai:text-embedding-3-small", { openai: { baseUrl: server.baseUrl, dimensions: 8, env: {} } });
    const directory = await mkdtemp(join(tmpdir(), "muffler-openai-cache-"));
    try {
      const cache = await EmbeddingCache.open({ directory, embedderId: model.id, dimension: model.dimension });
      const cached = withEmbeddingCache({ embedder: model, cache });
      const first = await cached.embed(["one", "two", "one"]);
      const second = await cached.embed(["two", "one"]);
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]!.body.input).toEqual(["one", "two"]);
      expect([...second[0]!]).toEqual([...first[1]!]);
      await cache.close();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
