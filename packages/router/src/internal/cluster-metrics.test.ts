import cluster, { type Worker } from "node:cluster";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { serveClusterMetrics } from "./cluster-metrics.ts";

/** One request on a connection of its own (node:cluster hands connections to the workers in turn). */
function onNewConnection(url: string, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? "" : JSON.stringify(body);
    const headers = { connection: "close", ...(body !== undefined && { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) }) };
    const outgoing = request(url, { method: body === undefined ? "GET" : "POST", agent: false, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
    });
    outgoing.on("error", reject);
    outgoing.end(text);
  });
}

const workers: Worker[] = [];
let stop: () => void = () => {};
afterAll(async () => {
  stop();
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (!worker.isConnected()) return resolve();
          worker.once("exit", () => resolve());
          worker.send({ type: "stop" });
          setTimeout(() => worker.kill(), 5000).unref();
        }),
    ),
  );
});

describe("metrics across cluster workers (muffler serve --workers N)", () => {
  it("answers /metrics with every worker's requests summed, whichever worker serves the scrape", async () => {
    stop = serveClusterMetrics();
    cluster.setupPrimary({ exec: join(import.meta.dirname, "../__fixtures__/cluster-worker.ts"), execArgv: ["--conditions=@muffler/source", "--import", "tsx"], silent: true });
    const urls = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<string>((resolve, reject) => {
            const worker = cluster.fork();
            workers.push(worker);
            worker.on("message", (message: { type?: string; url?: string }) => {
              if (message.type === "ready") resolve(message.url!);
            });
            worker.once("exit", (code) => reject(new Error(`a worker exited with code ${code}`)));
          }),
      ),
    );
    expect(urls[0]).toBe(urls[1]);
    const url = urls[0]!;
    for (let index = 0; index < 6; index++) expect((await onNewConnection(`${url}/v1/route`, { threshold: 0.5, prompt: `prompt ${index}` })).status).toBe(200);
    const local = await Promise.all(
      workers.map(
        (worker) =>
          new Promise<number>((resolve) => {
            const onMessage = (message: { type?: string; count?: number }) => {
              if (message.type !== "local-count") return;
              worker.off("message", onMessage);
              resolve(message.count!);
            };
            worker.on("message", onMessage);
            worker.send({ type: "local-count" });
          }),
      ),
    );
    // Both workers served some of the six: one worker's own counters are not the total.
    expect(local.every((count) => count > 0 && count < 6), String(local)).toBe(true);
    for (let scrape = 0; scrape < 2; scrape++) {
      const { text } = await onNewConnection(`${url}/metrics`);
      expect(text).toContain('muffler_http_requests_total{route="/v1/route",status="200"} 6');
      expect(text).toMatch(/muffler_routed_total\{model="[^"]+"\} 6/);
      expect(text).toMatch(/muffler_routed_share\{model="[^"]+"\} 1/);
      expect(text).toMatch(/muffler_routing_duration_seconds_count 6/);
    }
  }, 30_000);
});
