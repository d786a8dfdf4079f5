import OpenAI from "openai";
import { afterEach } from "vitest";
import { type CreateServerOptions, type MufflerServer, createServer } from "../create-server.ts";
import type { RouterOptions } from "../router.ts";
import { type FakeEmbedder, fixtureRouter } from "./fake-router.ts";
import { type FakeUpstream, startFakeUpstream } from "./fake-upstream.ts";

export const UPSTREAM_KEY = "sk-upstream-strong-secret-123";
export const WEAK_KEY = "sk-upstream-weak-secret-789";
export const CLIENT_KEY = "client-secret-key-456";

export const hardMessages = [{ role: "user" as const, content: "prove this hard theorem" }];
export const easyMessages = [{ role: "user" as const, content: "say hi" }];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

export interface StartedServer {
  server: MufflerServer;
  url: string;
  port: number;
  strong: FakeUpstream;
  weak: FakeUpstream;
  embedder: FakeEmbedder;
  client: OpenAI;
  logs: string[];
}

export type StartOptions = Partial<CreateServerOptions> & { maxPromptChars?: number; weakUrl?: string; router?: Partial<RouterOptions> };

/**
 * A server on 127.0.0.1 (random port) over the fixture router and two fake upstreams, with an openai client for it
 * and its JSON log lines; everything is closed after each test.
 */
export async function start(options: StartOptions = {}): Promise<StartedServer> {
  const strong = await startFakeUpstream("strong");
  const weak = await startFakeUpstream("weak");
  cleanups.push(() => strong.close(), () => weak.close());
  const { maxPromptChars, weakUrl, router: routerOptions, ...serverOptions } = options;
  const { router, embedder } = fixtureRouter({ maxPromptChars: maxPromptChars ?? 4000, maxWaitMs: 1, ...routerOptions });
  const logs: string[] = [];
  const server = createServer({
    router,
    upstreams: {
      strong: { baseUrl: strong.url, apiKey: UPSTREAM_KEY, model: "strong-upstream-model" },
      weak: { baseUrl: weakUrl ?? weak.url, apiKey: WEAK_KEY },
    },
    fallbackToStrong: false,
    logger: { level: "info", stream: { write: (line: string) => void logs.push(line) } },
    ...serverOptions,
  });
  const url = await server.listen({ port: 0 });
  cleanups.push(() => server.close());
  const apiKey = serverOptions.apiKeys?.[0] ?? "unused";
  const client = new OpenAI({ apiKey, baseURL: `${url}/v1`, maxRetries: 0, timeout: 10_000 });
  return { server, url, port: Number(new URL(url).port), strong, weak, embedder, client, logs };
}

export interface PostResult {
  status: number;
  headers: Headers;
  text: string;
  json: { error?: { message: string; type: string; code: string | null; param: string | null } } & Record<string, unknown>;
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<PostResult> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: safeJson(text) as PostResult["json"] };
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export { type RawAnswer, rawExchange } from "./raw-exchange.ts";
