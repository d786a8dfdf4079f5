import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { STRONG, WEAK } from "./__fixtures__/fake-router.ts";
import { closedPort } from "./__fixtures__/fake-upstream.ts";
import { CLIENT_KEY, UPSTREAM_KEY, WEAK_KEY, easyMessages, hardMessages, post, start } from "./__fixtures__/test-server.ts";


describe("POST /v1/chat/completions with the official openai client", () => {
  it("forwards a hard prompt to the strong upstream and an easy one to the weak upstream, naming the model in headers", async () => {
    const { client, strong, weak } = await start();
    const { data, response } = await client.chat.completions.create({ model: "router-mf-0.5", messages: hardMessages }).withResponse();
    expect(data.choices[0]?.message.content).toBe("reply from strong");
    expect(response.headers.get("x-muffler-model")).toBe(STRONG);
    expect(Number(response.headers.get("x-muffler-win-rate"))).toBeCloseTo(0.880797, 5);
    expect(strong.requests[0]?.body.model).toBe("strong-upstream-model");
    expect(strong.requests[0]?.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);

    const easy = await client.chat.completions.create({ model: "router-mf-0.5", messages: easyMessages, temperature: 0.2 }).withResponse();
    expect(easy.data.choices[0]?.message.content).toBe("reply from weak");
    expect(easy.response.headers.get("x-muffler-model")).toBe(WEAK);
    // The weak upstream gets the manifest's model name when the config names none, and the other fields unchanged.
    expect(weak.requests[0]?.body).toMatchObject({ model: WEAK, temperature: 0.2, messages: easyMessages });
  });

  it("routes by a calibrated strong-model percent", async () => {
    const { client } = await start();
    const everything = await client.chat.completions.create({ model: "router-mf-strong-100", messages: easyMessages }).withResponse();
    expect(everything.response.headers.get("x-muffler-model")).toBe(STRONG);
    const nothing = await client.chat.completions.create({ model: "router-mf-strong-0", messages: hardMessages }).withResponse();
    expect(nothing.response.headers.get("x-muffler-model")).toBe(WEAK);
  });

  it("streams the upstream's server-sent events through", async () => {
    const { client } = await start();
    const { data: stream, response } = await client.chat.completions.create({ model: "router-mf-0.5", messages: hardMessages, stream: true }).withResponse();
    expect(response.headers.get("x-muffler-model")).toBe(STRONG);
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("reply from strong");

    const weakStream = await client.chat.completions.create({ model: "router-mf-0.5", messages: easyMessages, stream: true });
    let weakText = "";
    for await (const chunk of weakStream) weakText += chunk.choices[0]?.delta.content ?? "";
    expect(weakText).toBe("reply from weak");
  });

  it("answers with the strong model when the embedder fails (fail-safe)", async () => {
    const { client, embedder } = await start();
    embedder.failing = true;
    const { data, response } = await client.chat.completions.create({ model: "router-mf-0.5", messages: easyMessages }).withResponse();
    expect(data.choices[0]?.message.content).toBe("reply from strong");
    expect(response.headers.get("x-muffler-fail-safe")).toBe("embedding-failed");
    expect(response.headers.get("x-muffler-win-rate")).toBe("none");
  });

  it("lists the calibrated router models", async () => {
    const { client } = await start();
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(["router-mf-strong-0", "router-mf-strong-50", "router-mf-strong-100"]);
  });
});

describe("POST /v1/route, GET /health, GET /metrics", () => {
  it("returns the decision only, by model name, threshold or strong percent", async () => {
    const { url, strong, weak } = await start();
    const byModel = await post(`${url}/v1/route`, { model: "router-mf-0.5", prompt: "a hard one" });
    expect(byModel.status).toBe(200);
    expect(byModel.json).toEqual({ model: STRONG, winRate: expect.closeTo(0.880797, 5), threshold: 0.5 });
    expect((await post(`${url}/v1/route`, { threshold: 0.5, messages: easyMessages })).json.model).toBe(WEAK);
    expect((await post(`${url}/v1/route`, { strongPercent: 25, prompt: "a hard one" })).json).toMatchObject({ model: STRONG, threshold: 0.725 });
    expect(strong.requests.length + weak.requests.length).toBe(0);
  });

  it("reports health and Prometheus metrics: requests, routed share per model, latency histograms, upstream errors", async () => {
    const { url, client, strong } = await start();
    const health = await (await fetch(`${url}/health`)).json();
    expect(health).toMatchObject({ status: "ok", router: { strongModel: STRONG, weakModel: WEAK } });
    await client.chat.completions.create({ model: "router-mf-0.5", messages: hardMessages });
    await client.chat.completions.create({ model: "router-mf-0.5", messages: easyMessages });
    await client.chat.completions.create({ model: "router-mf-0.5", messages: easyMessages });
    strong.mode = "status-500";
    await expect(client.chat.completions.create({ model: "router-mf-0.5", messages: hardMessages })).rejects.toThrow();
    const response = await fetch(`${url}/metrics`);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    expect(text).toContain(`muffler_routed_total{model="${STRONG}"} 2`);
    expect(text).toContain(`muffler_routed_total{model="${WEAK}"} 2`);
    expect(text).toContain(`muffler_routed_share{model="${WEAK}"} 0.5`);
    expect(text).toContain('muffler_http_requests_total{route="/v1/chat/completions",status="200"} 3');
    expect(text).toContain('muffler_http_requests_total{route="/v1/chat/completions",status="502"} 1');
    expect(text).toContain('muffler_upstream_errors_total{upstream="strong",reason="status"} 1');
    expect(text).toMatch(/muffler_http_request_duration_seconds_bucket\{le="\+Inf",route="\/v1\/chat\/completions"\} 4/);
    expect(text).toMatch(/muffler_routing_duration_seconds_count 4/);
  });
});

describe("bad requests: OpenAI-style errors, and the server stays up", () => {
  const long = "x".repeat(5000);
  const cases: { name: string; path?: string; body: unknown; contentType?: string; status: number; code?: string; method?: string }[] = [
    { name: "invalid JSON", body: '{"model": "router-mf-0.5", "messages": [', status: 400, code: "router/invalid-json" },
    { name: "empty body", body: "", status: 400, code: "router/invalid-json" },
    { name: "a JSON array", body: [1, 2], status: 400 },
    { name: "a JSON string", body: '"hello"', status: 400 },
    { name: "model missing", body: { messages: easyMessages }, status: 400 },
    { name: "model of the wrong type", body: { model: 5, messages: easyMessages }, status: 400 },
    { name: "messages missing", body: { model: "router-mf-0.5" }, status: 400 },
    { name: "messages not an array", body: { model: "router-mf-0.5", messages: "hi" }, status: 400 },
    { name: "empty messages", body: { model: "router-mf-0.5", messages: [] }, status: 400 },
    { name: "unknown role", body: { model: "router-mf-0.5", messages: [{ role: "wizard", content: "hi" }] }, status: 400 },
    { name: "content of the wrong type", body: { model: "router-mf-0.5", messages: [{ role: "user", content: 42 }] }, status: 400 },
    { name: "stream of the wrong type", body: { model: "router-mf-0.5", messages: easyMessages, stream: "yes" }, status: 400 },
    { name: "unknown model", body: { model: "gpt-4", messages: easyMessages }, status: 404, code: "router/unknown-model" },
    { name: "unknown router", body: { model: "router-bert-0.5", messages: easyMessages }, status: 404, code: "router/unknown-model" },
    { name: "threshold above 1", body: { model: "router-mf-1.5", messages: easyMessages }, status: 400, code: "router/invalid-threshold" },
    { name: "threshold not a number", body: { model: "router-mf-abc", messages: easyMessages }, status: 400, code: "router/invalid-threshold" },
    { name: "strong percent above 100", body: { model: "router-mf-strong-150", messages: easyMessages }, status: 400, code: "router/invalid-strong-percent" },
    { name: "strong percent missing", body: { model: "router-mf-strong-", messages: easyMessages }, status: 400, code: "router/invalid-strong-percent" },
    { name: "no user message", body: { model: "router-mf-0.5", messages: [{ role: "system", content: "be brief" }] }, status: 400, code: "router/empty-input" },
    { name: "empty user message", body: { model: "router-mf-0.5", messages: [{ role: "user", content: "  " }] }, status: 400, code: "router/empty-input" },
    { name: "prompt over the limit", body: { model: "router-mf-0.5", messages: [{ role: "user", content: long }] }, status: 400, code: "router/prompt-too-long" },
    { name: "body over the size limit", body: { model: "router-mf-0.5", messages: [{ role: "user", content: "y".repeat(70_000) }] }, status: 413, code: "router/request-too-large" },
    { name: "not JSON content type", body: "hello", contentType: "text/plain", status: 415, code: "router/unsupported-media-type" },
    { name: "unknown path", path: "/v1/completions-typo", body: {}, status: 404, code: "router/not-found" },
    { name: "wrong method", path: "/v1/chat/completions", method: "GET", body: undefined, status: 404, code: "router/not-found" },
    { name: "route: prompt and messages both", path: "/v1/route", body: { threshold: 0.5, prompt: "a", messages: easyMessages }, status: 400 },
    { name: "route: no threshold", path: "/v1/route", body: { prompt: "a" }, status: 400 },
    { name: "route: threshold below 0", path: "/v1/route", body: { threshold: -0.1, prompt: "a" }, status: 400, code: "router/invalid-threshold" },
    { name: "route: unknown field", path: "/v1/route", body: { threshold: 0.5, prompt: "a", temperature: 1 }, status: 400 },
    { name: "route: strong percent of the wrong type", path: "/v1/route", body: { strongPercent: "30", prompt: "a" }, status: 400 },
  ];

  it(`answers ${cases.length} bad requests with the right status and an OpenAI error body`, async () => {
    const { url, client, strong, weak } = await start({ bodyLimitBytes: 64 * 1024, maxPromptChars: 2000 });
    for (const testCase of cases) {
      const response = await fetch(`${url}${testCase.path ?? "/v1/chat/completions"}`, {
        method: testCase.method ?? "POST",
        ...(testCase.body !== undefined && {
          headers: { "content-type": testCase.contentType ?? "application/json" },
          body: typeof testCase.body === "string" ? testCase.body : JSON.stringify(testCase.body),
        }),
      });
      const body = (await response.json()) as { error: { message: string; type: string; code: string | null } };
      expect({ name: testCase.name, status: response.status }).toEqual({ name: testCase.name, status: testCase.status });
      expect(body.error.message.length, testCase.name).toBeGreaterThan(0);
      expect(body.error.type, testCase.name).toBe("invalid_request_error");
      if (testCase.code !== undefined) expect(body.error.code, testCase.name).toBe(testCase.code);
      // One naming style on the HTTP surface: every code is a Muffler `package/kebab-case` code.
      expect(body.error.code, testCase.name).toMatch(/^[a-z]+\/[a-z0-9]+(-[a-z0-9]+)*$/);
    }
    expect(strong.requests.length + weak.requests.length).toBe(0);
    const followUp = await client.chat.completions.create({ model: "router-mf-0.5", messages: easyMessages });
    expect(followUp.choices[0]?.message.content).toBe("reply from weak");
  });

  it("maps the openai client's errors: status and code", async () => {
    const { client } = await start();
    const error = await client.chat.completions.create({ model: "router-mf-7", messages: easyMessages }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("router/invalid-threshold");
  });
});

describe("upstream faults", () => {
  it("answers 504 when the upstream times out, 502 on HTTP 500, refused connection and malformed JSON, and relays 429", async () => {
    const refusedPort = await closedPort();
    const { url, client, strong } = await start({ upstreamTimeoutMs: 1000, weakUrl: `http://127.0.0.1:${refusedPort}/v1` });
    const expectFailure = async (messages: typeof easyMessages, status: number, code: string) => {
      const result = await post(`${url}/v1/chat/completions`, { model: "router-mf-0.5", messages });
      expect(result.status, code).toBe(status);
      expect(result.json.error?.code).toBe(code);
      expect(result.json.error?.message.length).toBeGreaterThan(0);
    };
    strong.mode = "hang";
    await expectFailure(hardMessages, 504, "router/upstream-timeout");
    strong.mode = "status-500";
    await expectFailure(hardMessages, 502, "router/upstream-error");
    strong.mode = "malformed";
    await expectFailure(hardMessages, 502, "router/upstream-malformed-response");
    strong.mode = "status-429";
    await expectFailure(hardMessages, 429, "router/upstream-rejected");
    // The upstream's own code is quoted in the message, not passed as ours.
    expect((await post(`${url}/v1/chat/completions`, { model: "router-mf-0.5", messages: hardMessages })).json.error?.message).toContain("(rate_limit_exceeded)");
    await expectFailure(easyMessages, 502, "router/upstream-unavailable");
    const streamed = await post(`${url}/v1/chat/completions`, { model: "router-mf-0.5", messages: easyMessages, stream: true });
    expect(streamed.status).toBe(502);
    expect(streamed.json.error?.code).toBe("router/upstream-unavailable");
    // The server stays up.
    strong.mode = "ok";
    const followUp = await client.chat.completions.create({ model: "router-mf-0.5", messages: hardMessages });
    expect(followUp.choices[0]?.message.content).toBe("reply from strong");
    const status = (await post(`${url}/v1/chat/completions`, { model: "router-mf-0.5", messages: hardMessages, stream: false })).status;
    expect(status).toBe(200);
  });

  it("ends a stream cut mid-way, ended without [DONE] or stalled with an error event the openai client raises", async () => {
    const { url, client, strong } = await start({ upstreamTimeoutMs: 1000 });
    for (const [mode, code] of [
      ["stream-cut", "router/upstream-stream-interrupted"],
      ["stream-no-done", "router/upstream-stream-interrupted"],
      ["stream-stall", "router/upstream-timeout"],
    ] as const) {
      strong.mode = mode;
      const stream = await client.chat.completions.create({ model: "router-mf-0.5", messages: hardMessages, stream: true });
      let text = "";
      const consume = async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      };
      const error = await consume().catch((caught: unknown) => caught);
      expect(error, mode).toBeInstanceOf(OpenAI.APIError);
      expect((error as InstanceType<typeof OpenAI.APIError>).code, mode).toBe(code);
      expect(text, mode).toBe(mode === "stream-no-done" ? "reply from strong" : "reply from ");
    }
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('muffler_upstream_errors_total{upstream="strong",reason="stream-cut"} 2');
    expect(metrics).toContain('muffler_upstream_errors_total{upstream="strong",reason="timeout"} 1');
    strong.mode = "ok";
    const followUp = await client.chat.completions.create({ model: "router-mf-0.5", messages: hardMessages, stream: true });
    let text = "";
    for await (const chunk of followUp) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("reply from strong");
  });

  it("falls back to the strong upstream when the weak one is down, when configured", async () => {
    const refusedPort = await closedPort();
    const { client, strong } = await start({ fallbackToStrong: true, weakUrl: `http://127.0.0.1:${refusedPort}/v1` });
    const { data, response } = await client.chat.completions.create({ model: "router-mf-0.5", messages: easyMessages }).withResponse();
    expect(data.choices[0]?.message.content).toBe("reply from strong");
    expect(response.headers.get("x-muffler-fallback")).toBe("weak-to-strong");
    expect(response.headers.get("x-muffler-model")).toBe(STRONG);
    const stream = await client.chat.completions.create({ model: "router-mf-0.5", messages: easyMessages, stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("reply from strong");
    // A failing strong upstream has nothing to fall back to.
    strong.mode = "status-500";
    await expect(client.chat.completions.create({ model: "router-mf-0.5", messages: hardMessages })).rejects.toMatchObject({ status: 502 });
    // When the fallback fails too, the error names both failures.
    const both = await client.chat.completions.create({ model: "router-mf-0.5", messages: easyMessages }).catch((caught: unknown) => caught);
    expect(both).toMatchObject({ status: 502, code: "router/upstream-error" });
    expect((both as Error).message).toMatch(/weak upstream could not be reached \(ECONNREFUSED\)\. The fallback failed too: The upstream failed with HTTP 500/);
  });

  it("falls back on a weak upstream's HTTP 500 but not on its 4xx (the request is at fault)", async () => {
    const { client, weak } = await start({ fallbackToStrong: true });
    weak.mode = "status-500";
    expect((await client.chat.completions.create({ model: "router-mf-0.5", messages: easyMessages })).choices[0]?.message.content).toBe("reply from strong");
    weak.mode = "status-429";
    await expect(client.chat.completions.create({ model: "router-mf-0.5", messages: easyMessages })).rejects.toMatchObject({ status: 429 });
  });
});

describe("safety", () => {
  it("requires the bearer key when keys are configured (not for /health)", async () => {
    const { url, client } = await start({ apiKeys: [CLIENT_KEY] });
    expect((await client.chat.completions.create({ model: "router-mf-0.5", messages: easyMessages })).choices[0]?.message.content).toBe("reply from weak");
    const missing = await post(`${url}/v1/route`, { threshold: 0.5, prompt: "x" });
    expect(missing.status).toBe(401);
    expect(missing.json.error).toMatchObject({ type: "authentication_error", code: "router/invalid-api-key" });
    const wrong = await post(`${url}/v1/route`, { threshold: 0.5, prompt: "x" }, { authorization: "Bearer nope-nope-nope" });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it("never echoes or logs an API key, even when the upstream echoes it", async () => {
    const { url, client, strong, logs } = await start({ apiKeys: [CLIENT_KEY] });
    strong.mode = "echo-key";
    const result = await post(`${url}/v1/chat/completions`, { model: "router-mf-0.5", messages: hardMessages }, { authorization: `Bearer ${CLIENT_KEY}` });
    // The upstream refused Muffler's key: 502 naming that upstream (not 401, which would blame the client's key).
    expect(result.status).toBe(502);
    expect(result.json.error?.code).toBe("router/upstream-auth-failed");
    expect(result.json.error?.message).toContain("[redacted]");
    strong.mode = "status-500";
    await expect(client.chat.completions.create({ model: "router-mf-0.5", messages: hardMessages })).rejects.toThrow();
    const everything = [
      result.text,
      JSON.stringify([...result.headers]),
      await (await fetch(`${url}/health`)).text(),
      await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } })).text(),
      logs.join(""),
    ].join("\n");
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [UPSTREAM_KEY, WEAK_KEY, CLIENT_KEY]) expect(everything).not.toContain(secret);
  });

  it("drains in-flight requests on close, then refuses new connections", async () => {
    const { server, url, strong } = await start();
    strong.mode = "slow";
    const inFlight = post(`${url}/v1/chat/completions`, { model: "router-mf-0.5", messages: hardMessages });
    // Close once the request is in flight (it has reached the upstream, which answers 300 ms later).
    for (let wait = 0; wait < 500 && strong.requests.length === 0; wait++) await new Promise((resolve) => setTimeout(resolve, 5));
    const closed = server.close();
    const result = await inFlight;
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({ choices: [{ message: { content: "reply from strong" } }] });
    await closed;
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  it("stops the upstream stream when the client goes away, and counts no request as in flight afterwards", async () => {
    const { url, strong } = await start();
    strong.mode = "stream-forever";
    const controller = new AbortController();
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "router-mf-0.5", messages: hardMessages, stream: true }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain("more ");
    controller.abort();
    for (let wait = 0; wait < 250 && strong.abandonedStreams === 0; wait++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(strong.abandonedStreams).toBe(1);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    // The /metrics request itself is the only one in flight.
    expect(metrics).toContain("muffler_in_flight_requests 1");
  });

  it("drains an in-flight stream on close", async () => {
    const { server, url, client } = await start();
    const stream = await client.chat.completions.create({ model: "router-mf-0.5", messages: hardMessages, stream: true });
    const closed = server.close();
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("reply from strong");
    await closed;
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  it("binds 127.0.0.1 by default", async () => {
    const { url } = await start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
