import { createEmbedder } from "@muffler/embeddings";
import { loadRouterBundle } from "@muffler/model";
import type { RouterBundleManifest, RouterEmbedder, RouterParameters } from "./contracts.ts";

/** Loads a router bundle directory (docs/interfaces.md `loadRouterBundle`). */
export type LoadBundle = (directory: string) => Promise<{ parameters: RouterParameters; manifest: RouterBundleManifest }>;
/** Creates an embedder by name (docs/interfaces.md `createEmbedder`). */
export type CreateEmbedder = (name: string) => Promise<RouterEmbedder>;

/** `loadRouterBundle` from @muffler/model. */
export const defaultLoadBundle: LoadBundle = (directory) => loadRouterBundle(directory);

/** `createEmbedder` from @muffler/embeddings. */
export const defaultCreateEmbedder: CreateEmbedder = (name) => createEmbedder(name);
