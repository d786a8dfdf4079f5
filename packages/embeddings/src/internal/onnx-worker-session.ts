import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { MufflerError } from "@muffler/core";
import { EMBEDDINGS_ERROR_CODES } from "../errors.ts";

/** One input of a model call: an int32 or float32 tensor. */
export interface WorkerFeed {
  name: string;
  type: "int32" | "float32";
  data: Int32Array | Float32Array;
  dims: number[];
}

/** The onnxruntime session options the worker passes on (plain data: they cross a thread boundary). */
export type WorkerSessionOptions = Record<string, unknown>;

// The worker's program, evaluated as CommonJS: no loader (tsx, vitest) and no file beside the built or the source
// module to resolve, so it runs the same from src/, from dist/ and from an installed package. It loads
// onnxruntime-node from the path this module resolved, creates the session, and answers each call with the first
// output's data (copied: onnxruntime may own the output's memory).
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const ort = require(workerData.ortPath);
const messageOf = (error) => (error && error.message) || String(error);
ort.InferenceSession.create(workerData.model, workerData.sessionOptions).then(
  (session) => {
    const outputName = session.outputNames[0];
    parentPort.postMessage({ type: "ready" });
    const handle = async (message) => {
      if (message.type === "release") {
        await session.release();
        parentPort.postMessage({ type: "released" });
        return;
      }
      try {
        const feeds = {};
        for (const feed of message.feeds) feeds[feed.name] = new ort.Tensor(feed.type, feed.data, feed.dims);
        const outputs = await session.run(feeds);
        parentPort.postMessage({ type: "result", id: message.id, data: outputs[outputName].data });
      } catch (error) {
        parentPort.postMessage({ type: "failed", id: message.id, message: messageOf(error) });
      }
    };
    // One message at a time, in order: a release never overtakes a call still running.
    let chain = Promise.resolve();
    parentPort.on("message", (message) => {
      chain = chain.then(() => handle(message));
    });
  },
  (error) => parentPort.postMessage({ type: "load-failed", message: messageOf(error) }),
);
`;

type WorkerMessage =
  | { type: "ready" }
  | { type: "released" }
  | { type: "load-failed"; message: string }
  | { type: "result"; id: number; data: Float32Array }
  | { type: "failed"; id: number; message: string };

interface PendingCall {
  resolve: (data: Float32Array) => void;
  reject: (error: unknown) => void;
}

/**
 * An onnxruntime-node session in a worker thread. onnxruntime-node's `session.run` computes on the calling thread
 * (it only defers the call with setImmediate), so on the main thread every model call blocks the event loop for its
 * whole duration: a server cannot accept, parse or answer requests while it embeds. Here the calls run in the worker
 * (with the session's intra-op threads) and the event loop stays free. Calls are answered in order; the worker does
 * not keep the process alive while no call is pending.
 */
export class OnnxWorkerSession {
  readonly #worker: Worker;
  readonly #pending = new Map<number, PendingCall>();
  #nextId = 0;
  #failure: Error | undefined;
  #released: Promise<void> | undefined;

  private constructor(worker: Worker) {
    this.#worker = worker;
  }

  /** Starts the worker and creates the session in it from the model's bytes (copied to the worker). */
  static async create(model: Uint8Array, sessionOptions: WorkerSessionOptions, file: string): Promise<OnnxWorkerSession> {
    const ortPath = createRequire(import.meta.url).resolve("onnxruntime-node");
    // No inherited execArgv: a parent run with --input-type=module (or a loader) would make the CommonJS source ESM.
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { ortPath, model, sessionOptions } });
    const session = new OnnxWorkerSession(worker);
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number) => reject(new MufflerError(`the onnxruntime worker exited with code ${code} while loading the model.`, { code: EMBEDDINGS_ERROR_CODES.modelLoadFailed, file }));
      const onError = (error: Error) => reject(new MufflerError(`the onnxruntime worker failed while loading the model: ${error.message}`, { code: EMBEDDINGS_ERROR_CODES.modelLoadFailed, file, cause: error }));
      worker.once("exit", onExit);
      worker.once("error", onError);
      worker.once("message", (message: WorkerMessage) => {
        worker.off("exit", onExit);
        worker.off("error", onError);
        if (message.type === "ready") resolve();
        else {
          void worker.terminate();
          reject(new MufflerError(`could not create the onnxruntime session: ${message.type === "load-failed" ? message.message : message.type}`, { code: EMBEDDINGS_ERROR_CODES.modelLoadFailed, file }));
        }
      });
    });
    session.#listen();
    worker.unref();
    return session;
  }

  #listen(): void {
    this.#worker.on("message", (message: WorkerMessage) => {
      if (message.type !== "result" && message.type !== "failed") return;
      const call = this.#pending.get(message.id);
      if (!call) return;
      this.#pending.delete(message.id);
      if (this.#pending.size === 0) this.#worker.unref();
      if (message.type === "result") call.resolve(message.data);
      else call.reject(new MufflerError(`onnxruntime failed on a batch: ${message.message}`, { code: EMBEDDINGS_ERROR_CODES.modelRunFailed, kind: "internal" }));
    });
    const failAll = (error: Error) => {
      this.#failure = error;
      for (const call of this.#pending.values()) call.reject(error);
      this.#pending.clear();
    };
    this.#worker.on("error", (error) => failAll(new MufflerError(`the onnxruntime worker failed: ${error.message}`, { code: EMBEDDINGS_ERROR_CODES.modelRunFailed, kind: "internal", cause: error })));
    this.#worker.on("exit", (code) => {
      if (this.#released === undefined) failAll(new MufflerError(`the onnxruntime worker exited (code ${code}).`, { code: EMBEDDINGS_ERROR_CODES.modelRunFailed, kind: "internal" }));
    });
  }

  /** Runs the model on `feeds` in the worker: the first output's data. */
  run(feeds: WorkerFeed[]): Promise<Float32Array> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#released) return Promise.reject(new MufflerError("the embedder was disposed.", { code: EMBEDDINGS_ERROR_CODES.modelRunFailed, kind: "internal" }));
    const id = this.#nextId++;
    return new Promise<Float32Array>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.ref();
      // The input buffers move to the worker (the caller built them for this call).
      this.#worker.postMessage({ type: "run", id, feeds }, feeds.map((feed) => feed.data.buffer as ArrayBuffer));
    });
  }

  /** Releases the session and ends the worker; calls still running finish first. */
  release(): Promise<void> {
    this.#released ??= (async () => {
      if (this.#failure === undefined) {
        this.#worker.ref();
        await new Promise<void>((resolve) => {
          const onMessage = (message: WorkerMessage) => {
            if (message.type === "released") resolve();
          };
          this.#worker.on("message", onMessage);
          this.#worker.once("exit", () => resolve());
          this.#worker.postMessage({ type: "release" });
        });
      }
      await this.#worker.terminate();
    })();
    return this.#released;
  }
}
