import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** How the fake upstream answers the next requests. */
export type FakeUpstreamMode =
  | "ok"
  | "slow"
  | "hang"
  | "status-500"
  | "status-429"
  | "status-503"
  | "status-401"
  | "status-403"
  | "status-404"
  | "malformed"
  | "echo-key"
  | "stream-cut"
  | "stream-no-done"
  | "stream-finish-no-done"
  | "stream-stall"
  | "stream-forever";

export interface FakeUpstream {
  url: string;
  mode: FakeUpstreamMode;
  /** Bodies and authorization headers of the requests received. */
  requests: { body: Record<string, unknown>; authorization: string | undefined }[];
  /** Streams whose client (the server under test) went away before the stream ended. */
  abandonedStreams: number;
  close(): Promise<void>;
}

/**
 * An OpenAI-compatible fake on 127.0.0.1: `POST /v1/chat/completions` answers `reply from <name>` (JSON or SSE in
 * three chunks) or misbehaves as `mode` says.
 */
export async function startFakeUpstream(name: string): Promise<FakeUpstream> {
  const sockets = new Set<import("node:net").Socket>();
  const state: FakeUpstream = { url: "", mode: "ok", requests: [], abandonedStreams: 0, close: async () => {} };
  const server: Server = createServer((request, response) => void handle(request, response));
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
    state.requests.push({ body, authorization: request.headers.authorization });
    const mode = state.mode;
    const model = String(body.model);
    const content = `reply from ${name}`;
    if (mode === "hang") return;
    if (mode === "slow") await new Promise((resolve) => setTimeout(resolve, 300));
    if (mode === "status-500") return void json(response, 500, { error: { message: "upstream exploded", type: "server_error", code: null } });
    if (mode === "status-429") return void json(response, 429, { error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } }, { "retry-after": "3" });
    if (mode === "status-503") return void json(response, 503, { error: { message: "Overloaded, try later", type: "server_error", code: null } }, { "retry-after": "7" });
    if (mode === "status-401") {
      return void json(response, 401, { error: { message: `Incorrect API key provided: ${request.headers.authorization ?? ""}`, type: "invalid_request_error", code: "invalid_api_key" } });
    }
    if (mode === "status-403") return void json(response, 403, { error: { message: "Your key may not use this model", type: "invalid_request_error", code: "model_not_allowed" } });
    if (mode === "status-404") return void json(response, 404, { error: { message: `The model ${model} does not exist`, type: "invalid_request_error", code: "model_not_found" } });
    if (mode === "echo-key") {
      return void json(response, 401, { error: { message: `Incorrect API key provided: ${request.headers.authorization ?? ""}`, type: "invalid_request_error", code: "invalid_api_key" } });
    }
    if (mode === "malformed") {
      response.writeHead(200, { "content-type": "application/json" });
      return void response.end('{"id": "chatcmpl-1", "choices": [');
    }
    if (body.stream === true && mode === "stream-forever") {
      response.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model, choices: [{ index: 0, delta: { content: "more " }, finish_reason: null }] };
      const timer = setInterval(() => response.write(`data: ${JSON.stringify(chunk)}\n\n`), 20);
      response.on("close", () => {
        clearInterval(timer);
        state.abandonedStreams++;
      });
      return;
    }
    if (body.stream === true) {
      response.writeHead(200, { "content-type": "text/event-stream" });
      const pieces = ["reply ", "from ", name];
      for (const [index, piece] of pieces.entries()) {
        const last = index === pieces.length - 1;
        const finish = last && mode === "stream-finish-no-done" ? "stop" : null;
        const chunk = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model, choices: [{ index: 0, delta: { content: piece }, finish_reason: finish }] };
        response.write(`data: ${JSON.stringify(chunk)}\n\n`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (index === 1 && mode === "stream-cut") return void response.socket?.destroy();
        if (index === 1 && mode === "stream-stall") return;
      }
      if (mode !== "stream-no-done" && mode !== "stream-finish-no-done") response.write("data: [DONE]\n\n");
      return void response.end();
    }
    json(response, 200, {
      id: "chatcmpl-1",
      object: "chat.completion",
      created: 1,
      model,
      choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop", logprobs: null }],
      usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 },
    });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  state.close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return state;
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

/** A 127.0.0.1 port with nothing listening on it (connections are refused). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
