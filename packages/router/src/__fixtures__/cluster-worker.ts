// A cluster worker for cluster-metrics.test.ts: serves the fixture router on the port the cluster shares, and tells
// its primary its own (local) count of /v1/route answers when asked.
import { createServer } from "../create-server.ts";
import { fixtureRouter } from "./fake-router.ts";

const { router } = fixtureRouter({ maxWaitMs: 0 });
const server = createServer({ router });
const url = await server.listen({ port: 0 });
process.on("message", (message: { type?: string }) => {
  if (message.type === "local-count") {
    void server.metrics.getSingleMetricAsString("muffler_http_requests_total").then((text) => {
      const match = /muffler_http_requests_total\{route="\/v1\/route",status="200"\} (\d+)/.exec(text);
      process.send?.({ type: "local-count", count: Number(match?.[1] ?? 0) });
    });
  }
  if (message.type === "stop") void server.close().then(() => process.disconnect());
});
process.send?.({ type: "ready", url });
