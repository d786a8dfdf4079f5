import { MufflerError } from "@muffler/core";
import type { CreateEmbedderOptions } from "./create-embedder.ts";
import { EMBEDDINGS_ERROR_CODES } from "./errors.ts";

/**
 * An embedder as a file stores it (router.json, `embeddings/<split>.json`): its name and the options it was created
 * with. `createEmbedder(spec)` rebuilds the same embedder, so a router trained on quantized or truncated vectors, or on
 * the composite `use-lite+lexical`, routes with the vectors it was trained on.
 */
export interface EmbedderSpec {
  /** `use-lite`, `lexical`, `st:<model>`, `openai:<model>`, or several joined by `+` (`use-lite+lexical`). */
  name: string;
  /** The option blocks, as `createEmbedder` takes them. @default {} */
  options?: CreateEmbedderOptions;
}

/** A spec as read from a file, before its options are checked (router.json's `embedder`). */
export interface StoredEmbedderSpec {
  name: string;
  options?: Readonly<Record<string, unknown>>;
}

/**
 * The options of each block that change the vectors (or where they come from) and survive JSON: what a spec keeps.
 * Runtime-only options (threads, concurrency, allowDownload, a process environment, machine-local cache folders) and
 * secrets are never stored.
 */
const STORED_OPTIONS = {
  useLite: ["maxTokens", "engine", "backend", "quantize", "modelDirectory", "tokenBudget"],
  lexical: ["dimension", "wordNgrams", "charNgrams", "charWeight", "seed", "maxCharacters"],
  sentenceTransformer: ["maxTokens"],
  openai: ["baseUrl", "apiKeyEnv", "dimensions", "maxInputs", "maxRequestCharacters", "maxCharacters"],
} as const satisfies { [Block in keyof Required<CreateEmbedderOptions>]: readonly (keyof NonNullable<CreateEmbedderOptions[Block]>)[] };

type Block = keyof typeof STORED_OPTIONS;
const BLOCKS = Object.keys(STORED_OPTIONS) as Block[];

/** The parts of an embedder name: `use-lite+lexical` -> `["use-lite", "lexical"]`. */
export function embedderNameParts(name: string): string[] {
  return name
    .split("+")
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

/** The option block an embedder name reads. */
export function optionBlockOf(name: string): Block | undefined {
  if (name === "use-lite") return "useLite";
  if (name === "lexical") return "lexical";
  if (name.startsWith("st:")) return "sentenceTransformer";
  if (name.startsWith("openai:")) return "openai";
  return undefined;
}

/**
 * The spec to store for an embedder created as `createEmbedder(name, options)`: the name normalized, and only the
 * blocks its parts read, with only the options in `STORED_OPTIONS` (JSON values, no secrets).
 */
export function embedderSpec(name: string, options: CreateEmbedderOptions = {}): EmbedderSpec {
  const parts = embedderNameParts(name);
  const stored: Record<string, Record<string, unknown>> = {};
  for (const part of parts) {
    const block = optionBlockOf(part);
    const given = block === undefined ? undefined : (options[block] as Record<string, unknown> | undefined);
    if (block === undefined || given === undefined) continue;
    const kept: Record<string, unknown> = {};
    for (const key of STORED_OPTIONS[block]) {
      const value = given[key];
      if (value !== undefined) kept[key] = Array.isArray(value) ? [...(value as unknown[])] : value;
    }
    if (Object.keys(kept).length > 0) stored[block] = kept;
  }
  return { name: parts.join("+"), ...(Object.keys(stored).length > 0 && { options: stored as CreateEmbedderOptions }) };
}

/**
 * Checks the options of a spec read from a file: an object of known blocks, each an object. The embedders check the
 * values themselves (`embeddings/bad-option`, naming the option).
 */
export function checkSpecOptions(options: unknown, field = "embedder.options"): CreateEmbedderOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new MufflerError("the embedder options must be an object of option blocks.", { code: EMBEDDINGS_ERROR_CODES.badOption, field });
  }
  for (const [key, value] of Object.entries(options)) {
    if (!BLOCKS.includes(key as Block)) {
      throw new MufflerError(`unknown embedder option block "${key}".`, { code: EMBEDDINGS_ERROR_CODES.badOption, field: `${field}.${key}`, hint: `Blocks: ${BLOCKS.join(", ")}.` });
    }
    if (value !== undefined && (value === null || typeof value !== "object" || Array.isArray(value))) {
      throw new MufflerError(`the "${key}" options must be an object.`, { code: EMBEDDINGS_ERROR_CODES.badOption, field: `${field}.${key}` });
    }
  }
  return options as CreateEmbedderOptions;
}

/** Runtime options laid over a stored spec's, block by block (a block of `overrides` wins key by key). */
export function mergeEmbedderOptions(stored: CreateEmbedderOptions, overrides: CreateEmbedderOptions): CreateEmbedderOptions {
  const merged: Record<string, unknown> = {};
  for (const block of BLOCKS) {
    const a = stored[block];
    const b = overrides[block];
    if (a !== undefined || b !== undefined) merged[block] = { ...a, ...b };
  }
  return merged as CreateEmbedderOptions;
}
