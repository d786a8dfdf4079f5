import { createRequire } from "node:module";
import { dirname } from "node:path";
import { MufflerError } from "@muffler/core";
import { EMBEDDINGS_ERROR_CODES } from "../errors.ts";
import type * as TfjsModule from "@tensorflow/tfjs";

export type Tfjs = typeof TfjsModule;

/** Which tfjs backend runs the graph. `auto`: tfjs-node-gpu or tfjs-node when installed, else wasm. */
export const TFJS_BACKENDS = ["auto", "wasm", "cpu", "tensorflow"] as const;
export type TfjsBackend = (typeof TFJS_BACKENDS)[number];

const require = createRequire(import.meta.url);
let ready: Promise<{ tf: Tfjs; backend: string }> | undefined;
let readyFor: TfjsBackend | undefined;

/**
 * Loads @tensorflow/tfjs and makes `backend` the active one. tfjs keeps one global backend per process, so the first
 * call decides; later calls with another backend switch it.
 */
export async function loadTfjs(backend: TfjsBackend): Promise<{ tf: Tfjs; backend: string }> {
  if (!ready || readyFor !== backend) {
    readyFor = backend;
    ready = initialize(backend);
  }
  return ready;
}

async function initialize(backend: TfjsBackend): Promise<{ tf: Tfjs; backend: string }> {
  const tf = await import("@tensorflow/tfjs");
  if (backend === "auto" || backend === "tensorflow") {
    // Native TensorFlow bindings are optional: used when the user installed them, never a dependency.
    for (const name of ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]) {
      try {
        await import(/* @vite-ignore */ name);
        if (await tf.setBackend("tensorflow")) return { tf, backend: "tensorflow" };
      } catch {
        // not installed or not loadable here: try the next one
      }
    }
    if (backend === "tensorflow") {
      throw new MufflerError("the tensorflow backend needs @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu, which could not be loaded.", {
        code: EMBEDDINGS_ERROR_CODES.modelLoadFailed,
        field: "backend",
        hint: "Install @tensorflow/tfjs-node 4.22 beside Muffler, or use backend \"wasm\".",
      });
    }
  }
  if (backend === "cpu") {
    await tf.setBackend("cpu");
    return { tf, backend: "cpu" };
  }
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  const wasmDirectory = `${dirname(require.resolve("@tensorflow/tfjs-backend-wasm"))}/`;
  wasm.setWasmPaths(wasmDirectory);
  if (!(await tf.setBackend("wasm"))) {
    throw new MufflerError(`the tfjs wasm backend failed to start (wasm files looked up in ${wasmDirectory}).`, {
      code: EMBEDDINGS_ERROR_CODES.modelLoadFailed,
      kind: "internal",
    });
  }
  return { tf, backend: "wasm" };
}
