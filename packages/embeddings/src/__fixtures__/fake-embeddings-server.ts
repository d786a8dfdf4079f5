import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the fake server saw. */
export interface SeenRequest {
  path: string;
  authorization: string | undefined;
  body: { model?: string; input?: string[]; dimensions?: number; encoding_format?: string };
}

/** What the handler may answer instead of the default embeddings: a status, headers and a raw body; `hang` never answers. */
export type FakeAnswer = { status?: number; headers?: Record<string, string>; body?: string; hang?: boolean } | undefined;

/** A deterministic vector for a text: [length, code of the first char, 1, 0, ...] of `dimension` values (not normalized). */
export function fakeVector(text: string, dimension: number): number[] {
  const vector = new Array<number>(dimension).fill(0);
  vector[0] = text.length;
  if (dimension > 1) vector[1] = text.charCodeAt(0);
  if (dimension > 2) vector[2] = 1;
  return vector;
}

/**
 * An OpenAI-compatible embeddings server on 127.0.0.1: `POST /v1/embeddings` answers `fakeVector` for each input
 * (`dimensions` from the request, else `dimension`), unless `handler` returns another answer for the request.
 */
export async function startFakeEmbeddingsServer(options: { dimension?: number; handler?: (request: SeenRequest, index: number) => FakeAnswer } = {}) {
  const requests: SeenRequest[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer(async (incoming: IncomingMessage, response: ServerResponse) => {
    let raw = "";
    for await (const chunk of incoming) raw += String(chunk);
    let body: SeenRequest["body"] = {};
    try {
      body = JSON.parse(raw) as SeenRequest["body"];
    } catch {
      // keep {}
    }
    const seen: SeenRequest = { path: incoming.url ?? "", authorization: incoming.headers.authorization, body };
    requests.push(seen);
    const answer = options.handler?.(seen, requests.length - 1);
    if (answer?.hang) {
      hanging.push(response);
      return;
    }
    if (answer !== undefined) {
      response.writeHead(answer.status ?? 200, { "content-type": "application/json", ...answer.headers });
      response.end(answer.body ?? "");
      return;
    }
    if (seen.path !== "/v1/embeddings") {
      response.writeHead(404, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: { message: "not found" } }));
      return;
    }
    const dimension = body.dimensions ?? options.dimension ?? 8;
    const data = (body.input ?? []).map((text, index) => ({ object: "embedding", index, embedding: fakeVector(text, dimension) }));
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ object: "list", data: data.reverse(), model: body.model, usage: { prompt_tokens: 1, total_tokens: 1 } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    async close(): Promise<void> {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
