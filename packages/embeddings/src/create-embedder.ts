import { MufflerError } from "@muffler/core";
import type { Embedder } from "./embedder.ts";
import { EMBEDDINGS_ERROR_CODES } from "./errors.ts";
import { createLexicalEmbedder } from "./lexical-embedder.ts";
import type { LexicalEmbedderOptions } from "./lexical-embedder.ts";
import { createOpenAIEmbedder } from "./openai-embedder.ts";
import type { OpenAIEmbedderOptions } from "./openai-embedder.ts";
import { createSentenceTransformerEmbedder } from "./sentence-transformer-embedder.ts";
import type { SentenceTransformerEmbedderOptions } from "./sentence-transformer-embedder.ts";
import { createUseLiteEmbedder } from "./use-lite-embedder.ts";
import type { UseLiteEmbedderOptions } from "./use-lite-embedder.ts";

/** The embedder names `createEmbedder` resolves. */
export type EmbedderName = "use-lite" | "lexical" | `st:${string}` | `openai:${string}`;

/** The embedders that take no model argument, in the order `--help` lists them. */
export const EMBEDDER_NAMES = ["use-lite", "lexical", "st:<hf-id-or-local-dir>", "openai:<model>"] as const;

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
 * Resolves an embedder by name: `use-lite` (the offline default, 512-d), `lexical` (weightless hashed n-grams) or
 * `st:<hf-id-or-local-dir>` (a sentence-transformers model exported to ONNX) or `openai:<model>` (an OpenAI-compatible
 * embeddings endpoint). Throws `embeddings/unknown-embedder`
 * for any other name.
 */
export async function createEmbedder(name: EmbedderName | string, options: CreateEmbedderOptions = {}): Promise<Embedder> {
  if (name === "use-lite") return createUseLiteEmbedder(options.useLite);
  if (name === "lexical") return createLexicalEmbedder(options.lexical);
  if (typeof name === "string" && name.startsWith("st:") && name.length > 3) {
    return createSentenceTransformerEmbedder({ ...options.sentenceTransformer, model: name.slice(3) });
  }
  if (typeof name === "string" && name.startsWith("openai:") && name.length > "openai:".length) {
    return createOpenAIEmbedder({ ...options.openai, model: name.slice("openai:".length) });
  }
  throw new MufflerError(`unknown embedder ${JSON.stringify(name)}.`, {
    code: EMBEDDINGS_ERROR_CODES.unknownEmbedder,
    field: "embedder",
    hint: `Use one of: ${EMBEDDER_NAMES.join(", ")} (e.g. st:Xenova/all-mpnet-base-v2, st:./models/my-model or openai:text-embedding-3-small).`,
  });
}
