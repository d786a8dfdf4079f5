import { MufflerError } from "@muffler/core";
import type { EmbedOptions, Embedder } from "./embedder.ts";
import { EMBEDDINGS_ERROR_CODES } from "./errors.ts";
import { prepareTexts, resolveBatchSize, throwIfAborted } from "./internal/prepare-texts.ts";

/** Options of the `lexical` embedder. Every option is part of the embedder id. */
export interface LexicalEmbedderOptions {
  /**
   * Vector length.
   * @default 512
   */
  dimension?: number;
  /**
   * Word n-gram sizes, inclusive (words are runs of letters and digits, lowercased).
   * @default [1, 2]
   */
  wordNgrams?: readonly [min: number, max: number];
  /**
   * Character n-gram sizes, inclusive (over the lowercased text with whitespace runs collapsed to one space).
   * @default [3, 5]
   */
  charNgrams?: readonly [min: number, max: number];
  /**
   * Weight of the character n-gram block against the word block (each block is L2-normalized first).
   * @default 1
   */
  charWeight?: number;
  /**
   * Seed of the signed hashing projection.
   * @default 0
   */
  seed?: number;
  /**
   * Truncation policy: only the first `maxCharacters` UTF-16 units of a text are read.
   * @default 20000
   */
  maxCharacters?: number;
}

/**
 * A weightless, deterministic embedder: hashed word and character n-grams with sublinear term frequency
 * (1 + ln tf), projected to `dimension` by seeded signed feature hashing, each block L2-normalized, then the
 * weighted sum L2-normalized. Thousands of texts per second on one core, no model files; a fast fallback and a
 * strong routing baseline (on MMLU hashed TF-IDF features route about as well as USE-lite).
 */
export function createLexicalEmbedder(options: LexicalEmbedderOptions = {}): Embedder {
  const dimension = options.dimension ?? 512;
  const wordNgrams = options.wordNgrams ?? [1, 2];
  const charNgrams = options.charNgrams ?? [3, 5];
  const charWeight = options.charWeight ?? 1;
  const seed = options.seed ?? 0;
  const maxCharacters = options.maxCharacters ?? 20_000;
  checkInteger("dimension", dimension, 1, 1 << 20);
  checkRange("wordNgrams", wordNgrams, 1, 8);
  checkRange("charNgrams", charNgrams, 1, 16);
  checkInteger("seed", seed, 0, 0xffffffff);
  checkInteger("maxCharacters", maxCharacters, 1, Number.MAX_SAFE_INTEGER);
  if (!Number.isFinite(charWeight) || charWeight < 0) {
    throw new MufflerError(`charWeight must be a finite number >= 0, got ${String(charWeight)}.`, { code: EMBEDDINGS_ERROR_CODES.badOption, field: "charWeight" });
  }
  const id = `lexical@1;dimension=${dimension};words=${wordNgrams[0]}-${wordNgrams[1]};chars=${charNgrams[0]}-${charNgrams[1]};char-weight=${charWeight};seed=${seed};max-characters=${maxCharacters}`;
  const parameters = { dimension, wordNgrams, charNgrams, charWeight, seed: seed >>> 0, maxCharacters };

  return {
    id,
    dimension,
    async embed(texts: readonly string[], embedOptions: EmbedOptions = {}): Promise<Float32Array[]> {
      const prepared = prepareTexts(texts);
      const batchSize = resolveBatchSize(embedOptions.batchSize, 1024);
      const result: Float32Array[] = [];
      embedOptions.onProgress?.({ stage: "embed", done: 0, total: prepared.length, unit: "texts" });
      for (let start = 0; start < prepared.length; start += batchSize) {
        throwIfAborted(embedOptions.signal);
        const end = Math.min(start + batchSize, prepared.length);
        for (let index = start; index < end; index++) result.push(embedLexical(prepared[index]!, parameters));
        embedOptions.onProgress?.({ stage: "embed", done: end, total: prepared.length, unit: "texts" });
        // Yield between batches so that progress bars redraw and signals are seen.
        if (end < prepared.length) await new Promise<void>((resolve) => setImmediate(resolve));
      }
      return result;
    },
  };
}

interface LexicalParameters {
  dimension: number;
  wordNgrams: readonly [number, number];
  charNgrams: readonly [number, number];
  charWeight: number;
  seed: number;
  maxCharacters: number;
}

const WORD = /[\p{L}\p{N}]+/gu;

function embedLexical(text: string, parameters: LexicalParameters): Float32Array {
  const normalized = text.slice(0, parameters.maxCharacters).normalize("NFKC").toLowerCase().replace(/\s+/gu, " ").trim();
  const wordCounts = new Map<number, number>();
  const charCounts = new Map<number, number>();
  const words = Array.from(normalized.matchAll(WORD), (match) => hashString(match[0], parameters.seed));
  for (let size = parameters.wordNgrams[0]; size <= parameters.wordNgrams[1]; size++) {
    for (let start = 0; start + size <= words.length; start++) {
      let hash = mix(parameters.seed ^ 0x9e3779b9, size);
      for (let offset = 0; offset < size; offset++) hash = mix(hash, words[start + offset]!);
      wordCounts.set(hash, (wordCounts.get(hash) ?? 0) + 1);
    }
  }
  const padded = ` ${normalized} `;
  for (let size = parameters.charNgrams[0]; size <= parameters.charNgrams[1]; size++) {
    for (let start = 0; start + size <= padded.length; start++) {
      const hash = hashRange(padded, start, start + size, parameters.seed ^ 0x85ebca6b);
      charCounts.set(hash, (charCounts.get(hash) ?? 0) + 1);
    }
  }
  if (wordCounts.size === 0 && charCounts.size === 0) charCounts.set(hashString(padded, parameters.seed ^ 0x85ebca6b), 1);
  const vector = new Float32Array(parameters.dimension);
  const block = new Float64Array(parameters.dimension);
  addBlock(vector, block, wordCounts, 1);
  addBlock(vector, block, charCounts, parameters.charWeight);
  let sum = 0;
  for (let index = 0; index < vector.length; index++) sum += vector[index]! * vector[index]!;
  const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  for (let index = 0; index < vector.length; index++) vector[index]! *= scale;
  return vector;
}

/** Projects one block of hashed counts (sublinear tf, signed hashing), L2-normalizes it and adds `weight` times it. */
function addBlock(vector: Float32Array, block: Float64Array, counts: Map<number, number>, weight: number): void {
  if (counts.size === 0 || weight === 0) return;
  block.fill(0);
  const dimension = vector.length;
  for (const [hash, count] of counts) {
    const mixed = mix(hash, 0x27d4eb2f);
    const slot = (mixed >>> 1) % dimension;
    const sign = (mixed & 1) === 0 ? 1 : -1;
    block[slot]! += sign * (1 + Math.log(count));
  }
  let sum = 0;
  for (let index = 0; index < dimension; index++) sum += block[index]! * block[index]!;
  if (sum === 0) return;
  const scale = weight / Math.sqrt(sum);
  for (let index = 0; index < dimension; index++) vector[index]! += block[index]! * scale;
}

/** FNV-1a over UTF-16 units, seeded, finished with a murmur3-style avalanche. */
function hashRange(text: string, start: number, end: number, seed: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let index = start; index < end; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return finish(hash);
}

function hashString(text: string, seed: number): number {
  return hashRange(text, 0, text.length, seed);
}

function mix(hash: number, value: number): number {
  return finish(Math.imul(hash ^ value, 0x9e3779b1) + 0x7f4a7c15);
}

function finish(value: number): number {
  let hash = value >>> 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

function checkInteger(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new MufflerError(`${field} must be an integer from ${min} to ${max}, got ${String(value)}.`, { code: EMBEDDINGS_ERROR_CODES.badOption, field });
  }
}

function checkRange(field: string, range: readonly [number, number], min: number, max: number): void {
  if (!Array.isArray(range) || range.length !== 2 || !Number.isInteger(range[0]) || !Number.isInteger(range[1]) || range[0] < min || range[1] > max || range[0] > range[1]) {
    throw new MufflerError(`${field} must be [min, max] integers with ${min} <= min <= max <= ${max}, got ${JSON.stringify(range)}.`, {
      code: EMBEDDINGS_ERROR_CODES.badOption,
      field,
    });
  }
}
