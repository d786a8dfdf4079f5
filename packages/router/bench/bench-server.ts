// What the server benchmarks share: a bench router bundle, and the server in a process of its own.
import { fork } from "node:child_process";
import { join } from "node:path";
import { createEmbedder } from "@muffler/embeddings";
import { initializeParameters, saveRouterBundle } from "@muffler/model";
import type { CreateServerOptions } from "../src/create-server.ts";

export const BENCH_STRONG = "gpt-4-1106-preview";
export const BENCH_WEAK = "mistralai/Mixtral-8x7B-Instruct-v0.1";

/** A router bundle with freshly initialized parameters (H = 128): routing speed does not depend on training. */
export async function makeBenchBundle(directory: string, embedderName: string): Promise<void> {
  const embedder = await createEmbedder(embedderName);
  const models = [BENCH_STRONG, BENCH_WEAK].sort();
  await saveRouterBundle(directory, {
    parameters: initializeParameters({ models, hidden: 128, dimension: embedder.dimension, seed: 0 }),
    manifest: {
      format: "muffler-router",
      version: 1,
      models,
      strongModel: BENCH_STRONG,
      weakModel: BENCH_WEAK,
      hidden: 128,
      dimension: embedder.dimension,
      embedder: { id: embedder.id, name: embedderName, dimension: embedder.dimension },
    },
  });
  await embedder.dispose?.();
}

export interface ServerProcess {
  url: string;
  rssMb(): Promise<number>;
  close(): Promise<void>;
}

/** The options of `createServer` that can cross a process boundary (JSON). */
export type ServerProcessOptions = Omit<CreateServerOptions, "router" | "fetch" | "logger">;

/** Starts `serve-child.ts` on the bundle in `directory` (the load generator must not share the server's event loop). */
export async function startServerProcess(directory: string, options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const child = fork(join(import.meta.dirname, "serve-child.ts"), [directory, JSON.stringify(options)], {
    execArgv: ["--conditions=@muffler/source", "--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("message", (message: { type: string; url: string }) => resolve(message.url));
    child.once("exit", (code) => reject(new Error(`the server process exited with code ${code}`)));
  });
  return {
    url,
    rssMb: () =>
      new Promise((resolve) => {
        child.once("message", (message: { rssBytes: number }) => resolve(message.rssBytes / 2 ** 20));
        child.send({ type: "rss" });
      }),
    close: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.send({ type: "close" });
      }),
  };
}
