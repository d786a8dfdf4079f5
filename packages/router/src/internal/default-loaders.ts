import { loadRouterBundle } from "@muffler/model";
import type { RouterBundleManifest, RouterEmbedder, RouterParameters } from "./contracts.ts";

/** Loads a router bundle directory (docs/interfaces.md `loadRouterBundle`). */
export type LoadBundle = (directory: string) => Promise<{ parameters: RouterParameters; manifest: RouterBundleManifest }>;
/** Creates an embedder by name (docs/interfaces.md `createEmbedder`). */
export type CreateEmbedder = (name: string) => Promise<RouterEmbedder>;

/** `loadRouterBundle` from @muffler/model. */
export const defaultLoadBundle: LoadBundle = (directory) => loadRouterBundle(directory);

/** `createEmbedder` from @muffler/embeddings (imported on first use, so that routing with an injected embedder never loads it). */
export const defaultCreateEmbedder: CreateEmbedder = async (name) => {
  const embeddings = (await import("@muffler/embeddings")) as unknown as { createEmbedder?: CreateEmbedder };
  if (embeddings.createEmbedder === undefined) throw new Error("@muffler/embeddings does not export createEmbedder yet.");
  return embeddings.createEmbedder(name);
};
