import { basename, join } from "node:path";
import { MufflerError, sha256File } from "@muffler/core";
import { readRouteLLMCheckpoint, ROUTELLM_DEFAULT_PAIR, ROUTELLM_PUBLISHED_THRESHOLD, ROUTER_BUNDLE_FILES, saveRouterBundle } from "@muffler/model";
import type { RouterManifest } from "@muffler/model";
import { ROUTER_ERROR_CODES } from "./errors.ts";
import { createEmbedder as defaultCreateEmbedder } from "@muffler/embeddings";
import type { RouterEmbedder } from "./internal/contracts.ts";

/** The embedder RouteLLM's MF checkpoints were trained on (`MFModel.embedding_model`). */
export const ROUTELLM_EMBEDDER = "openai:text-embedding-3-small";

/** Options of `importRouteLLMRouter`. */
export interface ImportRouteLLMRouterOptions {
  /** RouteLLM's MF checkpoint, `model.safetensors` (e.g. of routellm/mf_gpt4_augmented). */
  weights: string;
  /** The router bundle directory to write (router.json + router.safetensors), as `muffler serve --router` reads it. */
  outputDirectory: string;
  /** The strong model, one of RouteLLM's 64 names. @default "gpt-4-1106-preview" */
  strongModel?: string;
  /** The weak model, one of RouteLLM's 64 names. @default "mixtral-8x7b-instruct-v0.1" */
  weakModel?: string;
  /** The embedder name stored in the bundle (any that gives the vectors the checkpoint was trained on). @default "openai:text-embedding-3-small" */
  embedder?: string;
  /** Replaces `createEmbedder` of @muffler/embeddings (tests). No request is made for OpenAI's known models. @default createEmbedder */
  createEmbedder?: (spec: { name: string }) => Promise<RouterEmbedder>;
}

/** What `importRouteLLMRouter` wrote. */
export interface ImportedRouteLLMRouter {
  directory: string;
  files: { weights: string; manifest: string };
  manifest: RouterManifest;
}

/**
 * Writes a Muffler router bundle from RouteLLM's published MF checkpoint: its 64 models in RouteLLM's id order, the
 * pair to route (default gpt-4-1106-preview vs mixtral-8x7b-instruct-v0.1), the embedder `openai:text-embedding-3-small`,
 * and, for the default pair, RouteLLM's published calibration (threshold 0.11593 for about 50% strong calls on Chatbot
 * Arena) as the bundle's one calibrated point, so `router-mf-0.11593` and `router-mf-strong-50` mean the same.
 * Throws `model/bad-weights` / `model/bad-shape` for a file that is not such a checkpoint and `router/bad-bundle` for a
 * model name RouteLLM does not have or an embedder of another dimension.
 */
export async function importRouteLLMRouter(options: ImportRouteLLMRouterOptions): Promise<ImportedRouteLLMRouter> {
  const strongModel = options.strongModel ?? ROUTELLM_DEFAULT_PAIR.strongModel;
  const weakModel = options.weakModel ?? ROUTELLM_DEFAULT_PAIR.weakModel;
  const embedderName = options.embedder ?? ROUTELLM_EMBEDDER;
  const parameters = await readRouteLLMCheckpoint(options.weights);
  for (const [field, name] of [["strongModel", strongModel], ["weakModel", weakModel]] as const) {
    if (!parameters.models.includes(name)) {
      throw new MufflerError(`"${name}" is not one of RouteLLM's ${parameters.models.length} models.`, {
        code: ROUTER_ERROR_CODES.badBundle,
        field,
        hint: `Use a name from RouteLLM's MODEL_IDS, e.g. ${ROUTELLM_DEFAULT_PAIR.strongModel}, ${ROUTELLM_DEFAULT_PAIR.weakModel}, claude-2.1, llama-2-70b-chat.`,
      });
    }
  }
  if (strongModel === weakModel) {
    throw new MufflerError(`The strong and the weak model are both "${strongModel}".`, { code: ROUTER_ERROR_CODES.badBundle, field: "weakModel" });
  }
  const embedder = await (options.createEmbedder ?? defaultCreateEmbedder)({ name: embedderName });
  try {
    if (embedder.dimension !== parameters.dimension) {
      throw new MufflerError(`The checkpoint projects ${parameters.dimension}-d prompt embeddings but ${embedderName} gives ${embedder.dimension}-d ones.`, {
        code: ROUTER_ERROR_CODES.badBundle,
        field: "embedder",
        hint: `RouteLLM's MF checkpoints were trained on ${ROUTELLM_EMBEDDER} (1536-d).`,
      });
    }
    const isDefaultPair = strongModel === ROUTELLM_DEFAULT_PAIR.strongModel && weakModel === ROUTELLM_DEFAULT_PAIR.weakModel;
    const manifest: RouterManifest = {
      format: "muffler-router",
      version: 1,
      models: parameters.models,
      strongModel,
      weakModel,
      hidden: parameters.hidden,
      dimension: parameters.dimension,
      embedder: { id: embedder.id, name: embedderName, dimension: embedder.dimension },
      training: { source: "routellm-mf", checkpoint: basename(options.weights), checkpointSha256: await sha256File(options.weights) },
      ...(isDefaultPair && { thresholds: [{ ...ROUTELLM_PUBLISHED_THRESHOLD }] }),
    };
    await saveRouterBundle(options.outputDirectory, { parameters, manifest });
    return {
      directory: options.outputDirectory,
      files: { weights: join(options.outputDirectory, ROUTER_BUNDLE_FILES.weights), manifest: join(options.outputDirectory, ROUTER_BUNDLE_FILES.manifest) },
      manifest,
    };
  } finally {
    await embedder.dispose?.();
  }
}
