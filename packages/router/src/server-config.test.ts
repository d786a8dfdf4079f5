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
});
