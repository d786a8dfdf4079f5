import { createEmbedder } from "@muffler/embeddings";
import { loadRouterBundle } from "@muffler/model";
import type { RouterBundleManifest, RouterEmbedder, RouterParameters } from "./contracts.ts";

/** Loads a router bundle directory (docs/interfaces.md `loadRouterBundle`). */
export type LoadBundle = (directory: string) => Promise<{ parameters: RouterParameters; manifest: RouterBundleManifest }>;
/** Creates the embedder a manifest stores as `{ name, options }` (docs/interfaces.md `createEmbedder`). */
export type CreateEmbedder = (spec: RouterBundleManifest["embedder"]) => Promise<RouterEmbedder>;

/** `loadRouterBundle` from @muffler/model. */
export const defaultLoadBundle: LoadBundle = (directory) => loadRouterBundle(directory);

/** `createEmbedder` from @muffler/embeddings, on the manifest's `{ name, options }`. */
export const defaultCreateEmbedder: CreateEmbedder = (spec) => createEmbedder({ name: spec.name, ...(spec.options !== undefined && { options: spec.options }) });
