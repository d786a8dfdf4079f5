import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeLexicalRouter } from "../test-support/write-lexical-router.ts";
import { startServe } from "./serve.ts";

let directory: string;
let upstream: ReturnType<typeof createHttpServer>;
let upstreamUrl: string;
const seenAuthorization: (string | undefined)[] = [];

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "muffler-cli-serve-"));
  await writeLexicalRouter(directory);
  upstream = createHttpServer((request, response) => {
    seenAuthorization.push(request.headers.authorization);
    request.resume();
    request.on("end", () => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ id: "x", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }] }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
  await rm(directory, { recursive: true, force: true });
});

describe("muffler serve", () => {
  it("serves the router on 127.0.0.1 with upstreams from a config file and keys from the environment", async () => {
    const config = join(directory, "serve.json");
    await writeFile(config, JSON.stringify({ strong: { baseUrl: upstreamUrl, apiKeyEnv: "TEST_STRONG_KEY" }, weak: { baseUrl: upstreamUrl, apiKeyEnv: "TEST_WEAK_KEY" } }));
    const { server, url } = await startServe(
      { router: join(directory, "router"), config, port: "0", fallback: true, logLevel: "silent" },
      { TEST_STRONG_KEY: "sk-strong-test", TEST_WEAK_KEY: "sk-weak-test" },
    );
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "router-mf-0", messages: [{ role: "user", content: "hi" }] }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("x-muffler-model")).toBe("strong-model");
      expect(seenAuthorization.at(-1)).toBe("Bearer sk-strong-test");
    } finally {
      await server.close();
    }
  });

  it("serves /v1/route without upstreams, and answers chat completions with 503", async () => {
    const { server, url } = await startServe({ router: join(directory, "router"), port: "0", fallback: true, logLevel: "silent" }, {});
    try {
      const route = await fetch(`${url}/v1/route`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ threshold: 1, prompt: "hi" }) });
      expect(await route.json()).toMatchObject({ model: "weak-model" });
      const chat = await fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "router-mf-0.5", messages: [{ role: "user", content: "hi" }] }),
      });
      expect(chat.status).toBe(503);
    } finally {
      await server.close();
    }
  });
});
