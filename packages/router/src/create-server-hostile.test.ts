// The server under hostile input, faults and overload (issue 13): every answer in OpenAI's shape, no false alarms.
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { UPSTREAM_KEY, WEAK_KEY, easyMessages, hardMessages, post, rawExchange, start } from "./__fixtures__/test-server.ts";

function nested(depth: number): unknown {
  let value: unknown = [];
  for (let level = 1; level < depth; level++) value = [value];
  return value;
}

async function metricsOf(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

describe("deeply nested JSON", () => {
  it("answers 400 without calling an upstream, and counts no upstream error or fallback", async () => {
    const { url, strong, weak } = await start({ fallbackToStrong: true });
    const result = await post(`${url}/v1/chat/completions`, `{"model":"router-mf-0.5","messages":[{"role":"user","content":"say hi"}],"extra":${"[".repeat(5000)}${"]".repeat(5000)}}`);
    expect(result.status).toBe(400);
    expect(result.json.error).toMatchObject({ type: "invalid_request_error", code: "router/invalid-request" });
    expect(result.json.error?.message).toMatch(/nest/);
    expect(strong.requests.length + weak.requests.length).toBe(0);
    const metrics = await metricsOf(url);
    expect(metrics).not.toMatch(/muffler_upstream_errors_total\{[^}]*\} [1-9]/);
    expect(metrics).not.toMatch(/muffler_fallbacks_total [1-9]/);
    expect(metrics).toContain('muffler_http_requests_total{route="/v1/chat/completions",status="400"} 1');
  });

  it("passes a body nested within the limit (a JSON schema of tools) to the upstream unchanged", async () => {
    const { url, weak } = await start();
    const tools = [{ type: "function", function: { name: "f", parameters: nested(40) } }];
    const result = await post(`${url}/v1/chat/completions`, { model: "router-mf-0.5", messages: easyMessages, tools });
    expect(result.status).toBe(200);
    expect(weak.requests[0]?.body.tools).toEqual(tools);
  });
});

describe("errors below the routes, in OpenAI's shape (raw sockets on 127.0.0.1)", () => {
  const expectOpenAIError = (answer: Awaited<ReturnType<typeof rawExchange>>, status: number, code: string) => {
    expect(answer, code).not.toBeNull();
    expect(answer!.status, code).toBe(status);
    expect(answer!.headers["content-type"], code).toContain("application/json");
    const body = JSON.parse(answer!.body) as { error: { message: string; type: string; code: string; param: string | null } };
    expect(body.error, code).toMatchObject({ type: "invalid_request_error", code, param: null });
    expect(body.error.message.length, code).toBeGreaterThan(10);
  };

  it("answers a 100 KB header with 431, malformed HTTP with 400, and stays up", async () => {
    const { url, port } = await start();
    expectOpenAIError(await rawExchange(port, [`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${"a".repeat(100_000)}\r\n\r\n`]), 431, "router/request-header-too-large");
    expectOpenAIError(await rawExchange(port, ["POST /v1/route HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}"]), 400, "router/malformed-http-request");
    expectOpenAIError(
      await rawExchange(port, ["POST /v1/route HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"]),
      400,
      "router/malformed-http-request",
    );
    expectOpenAIError(await rawExchange(port, ["HELLO THERE\r\n\r\n"]), 400, "router/malformed-http-request");
    const metrics = await metricsOf(url);
    expect(metrics).toContain('muffler_http_requests_total{route="client-error",status="431"} 1');
    expect(metrics).toContain('muffler_http_requests_total{route="client-error",status="400"} 3');
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it("cuts a client that sends its headers or its body too slowly after the configured requestTimeoutMs, with 408", async () => {
    const { url, port } = await start({ requestTimeoutMs: 300 });
    let started = performance.now();
    const slowHeaders = await rawExchange(port, ["POST /v1/route HTTP/1.1\r\nHost: 127.0.0.1\r\n", 100, "Content-Type: application/json\r\n", 20_000, "\r\n"]);
    expectOpenAIError(slowHeaders, 408, "router/request-timeout");
    // Never before the configured time (an upper bound would be a timing check: the test's own timeout is that).
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    started = performance.now();
    const slowBody = await rawExchange(port, ["POST /v1/route HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n", '{"threshold": 0.5, ', 20_000, "}"]);
    expectOpenAIError(slowBody, 408, "router/request-timeout");
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect((await fetch(`${url}/health`)).status).toBe(200);
  }, 10_000);
});

describe("streams", () => {
  it("counts a stream that ended after a chunk with a finish_reason as complete, without [DONE], and adds the [DONE]", async () => {
    const { url, client, strong } = await start();
    strong.mode = "stream-finish-no-done";
    const stream = await client.chat.completions.create({ model: "router-mf-0.5", messages: hardMessages, stream: true });
    let text = "";
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toBe("reply from strong");
    expect(finish).toBe("stop");
    const raw = await (await fetch(`${url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "router-mf-0.5", messages: hardMessages, stream: true }) })).text();
    expect(raw.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(raw).not.toContain("router/upstream-stream-interrupted");
    expect(await metricsOf(url)).not.toContain('reason="stream-cut"');
  });
});

describe("upstream answers", () => {
  it("turns upstream 401/403/404 into 502 naming the upstream, never its key, and falls back from a weak one", async () => {
    const { url, client, strong } = await start();
    for (const [mode, code] of [
      ["status-401", "router/upstream-auth-failed"],
      ["status-403", "router/upstream-auth-failed"],
      ["status-404", "router/upstream-not-found"],
    ] as const) {
      strong.mode = mode;
      const result = await post(`${url}/v1/chat/completions`, { model: "router-mf-0.5", messages: hardMessages });
      expect(result.status, mode).toBe(502);
      expect(result.json.error, mode).toMatchObject({ type: "upstream_error", code });
      expect(result.json.error?.message, mode).toMatch(/strong upstream/);
      expect(result.text, mode).not.toContain(UPSTREAM_KEY);
    }
    strong.mode = "status-401";
    const error = await client.chat.completions.create({ model: "router-mf-0.5", messages: hardMessages }).catch((caught: unknown) => caught);
    // Not an AuthenticationError: the client's own key is fine.
    expect(error).not.toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error).toMatchObject({ status: 502, code: "router/upstream-auth-failed" });

    const withFallback = await start({ fallbackToStrong: true });
    withFallback.weak.mode = "status-401";
    const { response } = await withFallback.client.chat.completions.create({ model: "router-mf-0.5", messages: easyMessages }).withResponse();
    expect(response.headers.get("x-muffler-fallback")).toBe("weak-to-strong");
    expect(withFallback.logs.join("")).not.toContain(WEAK_KEY);
  });

  it("relays the upstream's Retry-After on 429 and 503", async () => {
    const { url, strong } = await start();
    strong.mode = "status-429";
    const limited = await post(`${url}/v1/chat/completions`, { model: "router-mf-0.5", messages: hardMessages });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    strong.mode = "status-503";
    const overloaded = await post(`${url}/v1/chat/completions`, { model: "router-mf-0.5", messages: hardMessages });
    expect(overloaded.status).toBe(503);
    expect(overloaded.headers.get("retry-after")).toBe("7");
    expect(overloaded.json.error).toMatchObject({ type: "upstream_error", code: "router/upstream-overloaded" });
  });
});

describe("aborted requests", () => {
  it("logs and counts a request whose client went away before the answer", async () => {
    const { url, strong, logs } = await start();
    strong.mode = "slow";
    const controller = new AbortController();
    const request = fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "router-mf-0.5", messages: hardMessages }),
      signal: controller.signal,
    }).catch(() => undefined);
    for (let wait = 0; wait < 500 && strong.requests.length === 0; wait++) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    await request;
    let metrics = "";
    for (let wait = 0; wait < 100 && !metrics.includes('status="499"'); wait++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      metrics = await metricsOf(url);
    }
    expect(metrics).toContain('muffler_http_requests_total{route="/v1/chat/completions",status="499"} 1');
    expect(logs.join("")).toMatch(/"msg":"request aborted by the client"/);
    // The upstream call stopped because the client left: no upstream error, no fallback.
    expect(metrics).not.toMatch(/muffler_upstream_errors_total\{[^}]*\} [1-9]/);
    expect(metrics).toMatch(/muffler_upstream_requests_total\{upstream="strong",outcome="client-aborted"\} 1/);
  });
});

describe("overload", () => {
  it("answers 503 with Retry-After when the routing queue is full, and serves the accepted requests", async () => {
    const { url, embedder, client } = await start({ maxQueuedRequests: 2 });
    embedder.delayMs = 200;
    const results = await Promise.all([0, 1, 2, 3].map((index) => post(`${url}/v1/route`, { threshold: 0.5, prompt: `prompt ${index}` })));
    const statuses = results.map((result) => result.status).sort();
    expect(statuses).toEqual([200, 200, 503, 503]);
    for (const refused of results.filter((result) => result.status === 503)) {
      expect(refused.headers.get("retry-after")).toBe("1");
      expect(refused.json.error).toMatchObject({ type: "api_error", code: "router/overloaded" });
    }
    // Once the queue drains, requests are accepted again; the openai client sees a 503 as an APIError it may retry.
    embedder.delayMs = 0;
    expect((await post(`${url}/v1/route`, { threshold: 0.5, prompt: "again" })).status).toBe(200);
    embedder.delayMs = 200;
    const chats = await Promise.all([0, 1, 2].map(() => client.chat.completions.create({ model: "router-mf-0.5", messages: easyMessages }).catch((caught: unknown) => caught)));
    expect(chats.filter((chat) => chat instanceof OpenAI.APIError && chat.status === 503)).toHaveLength(1);
    const metrics = await metricsOf(url);
    expect(metrics).toContain('muffler_http_requests_total{route="/v1/route",status="503"} 2');
    expect(metrics).toMatch(/muffler_rejected_requests_total\{reason="queue-full"\} 3/);
  });
});

describe("overload, before the body", () => {
  it("refuses while the queue is full before reading and parsing the body (a 503 costs no JSON parsing)", async () => {
    const { url, embedder } = await start({ maxQueuedRequests: 1 });
    embedder.delayMs = 400;
    const first = post(`${url}/v1/route`, { threshold: 0.5, prompt: "the one that waits" });
    for (let wait = 0; wait < 200 && !(await metricsOf(url)).includes("muffler_queued_requests 1"); wait++) await new Promise((resolve) => setTimeout(resolve, 5));
    // Not valid JSON: had it been parsed, this would be a 400.
    const refused = await post(`${url}/v1/route`, '{"threshold": 0.5, "prompt": ');
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(refused.json.error?.code).toBe("router/overloaded");
    expect((await first).status).toBe(200);
  });
});

describe("overload, paced refusals", () => {
  it.each([
    [300, "after the delay", (ms: number) => expect(ms).toBeGreaterThanOrEqual(290)],
    [0, "at once", (ms: number) => expect(ms).toBeLessThan(250)],
  ])("with overloadRefusalDelayMs %i sends the 503 %s (clients retrying at once cannot take the CPU)", async (overloadRefusalDelayMs, _when, check) => {
    const { url, embedder } = await start({ maxQueuedRequests: 1, overloadRefusalDelayMs });
    embedder.delayMs = 600;
    const first = post(`${url}/v1/route`, { threshold: 0.5, prompt: "the one that waits" });
    for (let wait = 0; wait < 200 && !(await metricsOf(url)).includes("muffler_queued_requests 1"); wait++) await new Promise((resolve) => setTimeout(resolve, 5));
    const started = performance.now();
    const refused = await post(`${url}/v1/route`, { threshold: 0.5, prompt: "one too many" });
    check(performance.now() - started);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(refused.json.error?.code).toBe("router/overloaded");
    expect((await first).status).toBe(200);
  });
});

describe("metrics (prom-client)", () => {
  it("keeps upstream latency buckets past 10 s (a model's answer can take minutes), and serves Prometheus text", async () => {
    const { url, client } = await start();
    await client.chat.completions.create({ model: "router-mf-0.5", messages: hardMessages });
    const response = await fetch(`${url}/metrics`);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    for (const bound of ["10", "30", "60", "120", "300"]) {
      expect(text, bound).toMatch(new RegExp(`muffler_upstream_duration_seconds_bucket\\{(?=[^}]*le="${bound}")(?=[^}]*upstream="strong")[^}]*\\} 1`));
    }
    expect(text).toMatch(/# TYPE muffler_upstream_duration_seconds histogram/);
  });
});
