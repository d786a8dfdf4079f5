// The benchmark's server process: loads a router bundle, serves it on 127.0.0.1, reports its RSS on request.
// Run by bench-server.ts through child_process.fork, so that the load generator does not share its event loop.
// Arguments: the bundle directory, and optionally the createServer options as JSON (upstreams, maxQueuedRequests).
import { createServer } from "../src/create-server.ts";
import { Router } from "../src/router.ts";
import type { ServerProcessOptions } from "./bench-server.ts";

const [directory, optionsJson] = process.argv.slice(2);
if (directory === undefined) throw new Error("usage: serve-child.ts <router-bundle-directory> [createServer options as JSON]");
const options = (optionsJson === undefined ? {} : JSON.parse(optionsJson)) as ServerProcessOptions;

const router = await Router.load({ directory });
const server = createServer({ router, ...options });
const url = await server.listen({ port: 0 });
process.send?.({ type: "ready", url });
process.on("message", (message: { type: string }) => {
  if (message.type === "rss") process.send?.({ type: "rss", rssBytes: process.memoryUsage().rss });
  if (message.type === "close") void server.close().then(() => process.exit(0));
});
