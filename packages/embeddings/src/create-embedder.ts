import { MufflerError } from "@muffler/core";
import { createCompositeEmbedder } from "./composite-embedder.ts";
import type { Embedder } from "./embedder.ts";
import { checkSpecOptions, embedderNameParts, mergeEmbedderOptions, type EmbedderSpec, type StoredEmbedderSpec } from "./embedder-spec.ts";
import { EMBEDDINGS_ERROR_CODES } from "./errors.ts";
import { createLexicalEmbedder } from "./lexical-embedder.ts";
import type { LexicalEmbedderOptions } from "./lexical-embedder.ts";
import { createOpenAIEmbedder } from "./openai-embedder.ts";
import type { OpenAIEmbedderOptions } from "./openai-embedder.ts";
import { createSentenceTransformerEmbedder } from "./sentence-transformer-embedder.ts";
import type { SentenceTransformerEmbedderOptions } from "./sentence-transformer-embedder.ts";
import { createUseLiteEmbedder } from "./use-lite-embedder.ts";
import type { UseLiteEmbedderOptions } from "./use-lite-embedder.ts";

/** The embedder names `createEmbedder` resolves (and any of them joined by `+`). */
export type EmbedderName = "use-lite" | "lexical" | `st:${string}` | `openai:${string}` | `${string}+${string}`;

/** The embedder used when none is named: the offline Universal Sentence Encoder Lite (decision 0003). */
export const DEFAULT_EMBEDDER = "use-lite" satisfies EmbedderName;

/** The embedders that take no model argument, in the order `--help` lists them. */
export const EMBEDDER_NAMES = ["use-lite", "lexical", "st:<hf-id-or-local-dir>", "openai:<model>", "<name>+<name> (concatenated, e.g. use-lite+lexical)"] as const;

/** Options of `createEmbedder`, per embedder; only the block of the named embedder is read. */
export interface CreateEmbedderOptions {
  /** Options of `use-lite`. */
  useLite?: UseLiteEmbedderOptions;
  /** Options of `lexical`. */
  lexical?: LexicalEmbedderOptions;
  /** Options of `st:<model>`. */
  sentenceTransformer?: Omit<SentenceTransformerEmbedderOptions, "model">;
  /** Options of `openai:<model>` (any OpenAI-compatible /v1/embeddings). */
  openai?: Omit<OpenAIEmbedderOptions, "model">;
}

/**
 * Resolves an embedder by name or by a stored spec: `use-lite` (the offline default, 512-d), `lexical` (weightless
 * hashed n-grams), `st:<hf-id-or-local-dir>` (a sentence-transformers model exported to ONNX), `openai:<model>` (an
 * OpenAI-compatible embeddings endpoint), or several joined by `+` (`use-lite+lexical`: their vectors concatenated,
 * see `createCompositeEmbedder`; each part reads its own option block). Given a spec (`{ name, options }`, as
 * router.json stores it), `options` here are runtime overrides laid over the spec's, block by block. Throws
 * `embeddings/unknown-embedder` for any other name.
 */
export async function createEmbedder(nameOrSpec: EmbedderName | string | EmbedderSpec | StoredEmbedderSpec, options: CreateEmbedderOptions = {}): Promise<Embedder> {
  const name = typeof nameOrSpec === "string" ? nameOrSpec : nameOrSpec.name;
  const resolved = typeof nameOrSpec === "string" ? options : mergeEmbedderOptions(checkSpecOptions(nameOrSpec.options), options);
  const parts = embedderNameParts(name);
  if (parts.length < 2) return createSingleEmbedder(parts[0] ?? name, resolved);
  const created: Embedder[] = [];
  try {
    for (const part of parts) created.push(await createSingleEmbedder(part, resolved));
  } catch (error) {
    for (const embedder of created) await embedder.dispose?.();
    throw error;
  }
  return createCompositeEmbedder({ parts: created });
}

async function createSingleEmbedder(name: string, options: CreateEmbedderOptions): Promise<Embedder> {
  if (name === "use-lite") return createUseLiteEmbedder(options.useLite);
  if (name === "lexical") return createLexicalEmbedder(options.lexical);
  if (name.startsWith("st:") && name.length > 3) {
    return createSentenceTransformerEmbedder({ ...options.sentenceTransformer, model: name.slice(3) });
  }
  if (name.startsWith("openai:") && name.length > "openai:".length) {
    return createOpenAIEmbedder({ ...options.openai, model: name.slice("openai:".length) });
  }
  throw new MufflerError(`unknown embedder ${JSON.stringify(name)}.`, {
    code: EMBEDDINGS_ERROR_CODES.unknownEmbedder,
    field: "embedder",
    hint: `Use one of: ${EMBEDDER_NAMES.join(", ")} (e.g. st:Xenova/all-mpnet-base-v2, st:./models/my-model or openai:text-embedding-3-small).`,
  });
}
