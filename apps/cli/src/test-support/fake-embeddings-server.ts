import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * An OpenAI-compatible `POST /v1/embeddings` on 127.0.0.1 for CLI tests: each input gets `vectorOf(text)`.
 * Records the inputs of every request.
 */
export async function startFakeEmbeddingsServer(vectorOf: (text: string) => number[]): Promise<{ baseUrl: string; inputs: string[][]; close: () => Promise<void> }> {
  const inputs: string[][] = [];
  const server = createServer(async (request, response) => {
    let raw = "";
    for await (const chunk of request) raw += String(chunk);
    const body = JSON.parse(raw || "{}") as { input?: string[] };
    const texts = body.input ?? [];
    inputs.push(texts);
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ object: "list", data: texts.map((text, index) => ({ object: "embedding", index, embedding: vectorOf(text) })) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    inputs,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
