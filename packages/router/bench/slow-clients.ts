// How long a slow client lasts with the default requestTimeoutMs (30 s): one that sends its headers slowly and one
// that sends a partial body. Not a test (it takes about a minute); the README quotes its output.
// Run: node --conditions=@muffler/source --import tsx packages/router/bench/slow-clients.ts
import { fixtureRouter } from "../src/__fixtures__/fake-router.ts";
import { rawExchange } from "../src/__fixtures__/raw-exchange.ts";
import { createServer } from "../src/create-server.ts";

const { router } = fixtureRouter();
const server = createServer({ router });
const url = await server.listen({ port: 0 });
const port = Number(new URL(url).port);
try {
  const cases: [string, (string | number)[]][] = [
    ["slow headers", ["POST /v1/route HTTP/1.1\r\nHost: 127.0.0.1\r\n", 120_000, "\r\n"]],
    ["partial body", ["POST /v1/route HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{", 120_000, "}"]],
  ];
  const results = await Promise.all(
    cases.map(async ([name, parts]) => {
      const started = performance.now();
      const answer = await rawExchange(port, parts);
      return `${name}: cut after ${((performance.now() - started) / 1000).toFixed(1)} s with ${answer?.status ?? "no answer"} ${answer?.body ?? ""}`;
    }),
  );
  for (const line of results) console.log(line);
} finally {
  await server.close();
}
