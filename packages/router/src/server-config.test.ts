import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadServerConfig } from "./server-config.ts";

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "muffler-serve-config-"));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("loadServerConfig", () => {
  it("reads upstreams from a file, resolves apiKeyEnv, and lets the environment override", async () => {
    const file = join(directory, "serve.json");
    await writeFile(
      file,
      JSON.stringify({
        strong: { baseUrl: "https://api.openai.com/v1", apiKeyEnv: "OPENAI_API_KEY", model: "gpt-4-1106-preview" },
        weak: { baseUrl: "http://127.0.0.1:8000/v1", model: "mixtral" },
        upstreamTimeoutMs: 30000,
      }),
    );
    const config = await loadServerConfig({ file, env: { OPENAI_API_KEY: "sk-file", MUFFLER_WEAK_MODEL: "mixtral-override" } });
    expect(config.strong).toEqual({ baseUrl: "https://api.openai.com/v1", apiKey: "sk-file", model: "gpt-4-1106-preview" });
    expect(config.weak).toEqual({ baseUrl: "http://127.0.0.1:8000/v1", model: "mixtral-override" });
    expect(config.upstreamTimeoutMs).toBe(30000);
  });

  it("builds the whole configuration from the environment", async () => {
    const config = await loadServerConfig({
      env: {
        MUFFLER_STRONG_BASE_URL: "https://strong.example/v1",
        MUFFLER_STRONG_API_KEY: "sk-strong",
        MUFFLER_WEAK_BASE_URL: "https://weak.example/v1",
        MUFFLER_API_KEYS: "key-one-123, key-two-456",
      },
    });
    expect(config.strong.apiKey).toBe("sk-strong");
    expect(config.apiKeys).toEqual(["key-one-123", "key-two-456"]);
  });

  it("names the bad field without printing any key", async () => {
    const file = join(directory, "bad.json");
    await writeFile(file, JSON.stringify({ strong: { baseUrl: "not a url", apiKey: "sk-secret-value" }, weak: { baseUrl: "https://w.example" } }));
    const error = await loadServerConfig({ file, env: {} }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "router/bad-server-config", location: { field: "strong.baseUrl" } });
    expect(String((error as Error).message)).not.toContain("sk-secret-value");
    await expect(loadServerConfig({ env: {} })).rejects.toMatchObject({ code: "router/bad-server-config" });
    await expect(loadServerConfig({ file: join(directory, "missing.json"), env: {} })).rejects.toMatchObject({ code: "router/bad-server-config" });
    await writeFile(file, JSON.stringify({ strong: { baseUrl: "https://s.example", apiKeyEnv: "NOPE" }, weak: { baseUrl: "https://w.example" } }));
    await expect(loadServerConfig({ file, env: {} })).rejects.toThrow(/NOPE/);
  });

  it("reports an unknown key by name, with the keys known there, and gives each field its own hint", async () => {
    const file = join(directory, "unknown.json");
    const base = { strong: { baseUrl: "https://s.example" }, weak: { baseUrl: "https://w.example" } };
    await writeFile(file, JSON.stringify({ ...base, upstreamTimeout: 5000 }));
    const topLevel = (await loadServerConfig({ file, env: {} }).catch((caught: unknown) => caught)) as { location: { field?: string }; message: string };
    expect(topLevel).toMatchObject({ code: "router/bad-server-config", location: { field: "upstreamTimeout" } });
    expect(topLevel.message).toMatch(/unknown key "upstreamTimeout"/);
    expect(topLevel.message).toMatch(/upstreamTimeoutMs/);
    expect(topLevel.message).not.toMatch(/MUFFLER_STRONG_BASE_URL/);

    await writeFile(file, JSON.stringify({ ...base, weak: { baseUrl: "https://w.example", apikey: "sk-secret-value" } }));
    const nested = (await loadServerConfig({ file, env: {} }).catch((caught: unknown) => caught)) as { location: { field?: string }; message: string };
    expect(nested).toMatchObject({ location: { field: "weak.apikey" } });
    expect(nested.message).toMatch(/apiKey, apiKeyEnv/);
    expect(nested.message).not.toContain("sk-secret-value");

    await writeFile(file, JSON.stringify({ ...base, port: "6060" }));
    const port = (await loadServerConfig({ file, env: {} }).catch((caught: unknown) => caught)) as { location: { field?: string }; message: string };
    expect(port).toMatchObject({ location: { field: "port" } });
    expect(port.message).toMatch(/0 to 65535/);
    expect(port.message).not.toMatch(/baseUrl/);

    await writeFile(file, JSON.stringify({ ...base, maxQueuedRequests: 0 }));
    const queue = (await loadServerConfig({ file, env: {} }).catch((caught: unknown) => caught)) as { location: { field?: string }; message: string };
    expect(queue).toMatchObject({ location: { field: "maxQueuedRequests" } });
    expect(queue.message).toMatch(/503/);

    await writeFile(file, JSON.stringify({ ...base, overloadRefusalDelayMs: -5 }));
    const pacing = (await loadServerConfig({ file, env: {} }).catch((caught: unknown) => caught)) as { location: { field?: string }; message: string };
    expect(pacing).toMatchObject({ location: { field: "overloadRefusalDelayMs" } });
    expect(pacing.message).toMatch(/0 or more \(default 100\)/);

    const missing = (await loadServerConfig({ env: {} }).catch((caught: unknown) => caught)) as { message: string };
    expect(missing.message).toMatch(/MUFFLER_STRONG_BASE_URL/);
  });

  it("reads the request timeout and the queue bound", async () => {
    const file = join(directory, "limits.json");
    await writeFile(file, JSON.stringify({ strong: { baseUrl: "https://s.example" }, weak: { baseUrl: "https://w.example" }, requestTimeoutMs: 5000, maxQueuedRequests: 16, overloadRefusalDelayMs: 0 }));
    expect(await loadServerConfig({ file, env: {} })).toMatchObject({ requestTimeoutMs: 5000, maxQueuedRequests: 16, overloadRefusalDelayMs: 0 });
  });
});
