import type { RouterBundleManifest, RouterEmbedder, RouterParameters } from "./contracts.ts";

/** Loads a router bundle directory (docs/interfaces.md `loadRouterBundle`). */
export type LoadBundle = (directory: string) => Promise<{ parameters: RouterParameters; manifest: RouterBundleManifest }>;
/** Creates an embedder by name (docs/interfaces.md `createEmbedder`). */
export type CreateEmbedder = (name: string) => Promise<RouterEmbedder>;

/** `loadRouterBundle` from @muffler/model. */
export const defaultLoadBundle: LoadBundle = async (directory) => {
  const model = (await import("@muffler/model")) as unknown as { loadRouterBundle: LoadBundle };
  return model.loadRouterBundle(directory);
};

/** `createEmbedder` from @muffler/embeddings. */
export const defaultCreateEmbedder: CreateEmbedder = async (name) => {
  const embeddings = (await import("@muffler/embeddings")) as unknown as { createEmbedder: CreateEmbedder };
  return embeddings.createEmbedder(name);
};
