import { isBlankText, MufflerError } from "@muffler/core";
import { EMBEDDINGS_ERROR_CODES } from "../errors.ts";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replaces each lone UTF-16 surrogate with U+FFFD, as `String.prototype.toWellFormed` does. */
export function toWellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, "\uFFFD");
}

/**
 * Checks every text before any work is done and returns them well-formed (lone surrogates -> U+FFFD).
 * Throws `embeddings/not-a-string` or `embeddings/empty-text` (core's `isBlankText`, the rule `muffler prepare` applies)
 * naming the first bad index.
 */
export function prepareTexts(texts: readonly unknown[]): string[] {
  if (!Array.isArray(texts)) {
    throw new MufflerError(`expected an array of strings to embed, got ${describe(texts)}.`, {
      code: EMBEDDINGS_ERROR_CODES.notAString,
      field: "texts",
      hint: "Pass an array of prompt strings.",
    });
  }
  const prepared: string[] = new Array<string>(texts.length);
  for (let index = 0; index < texts.length; index++) {
    const text: unknown = texts[index];
    if (typeof text !== "string") {
      throw new MufflerError(`text ${index} is ${describe(text)}, not a string.`, {
        code: EMBEDDINGS_ERROR_CODES.notAString,
        field: `texts.${index}`,
        hint: "Every prompt must be a string; convert or drop the others before embedding.",
      });
    }
    if (isBlankText(text)) {
      throw new MufflerError(`text ${index} is ${text.length === 0 ? "empty" : "whitespace only"}: it has no content to embed.`, {
        code: EMBEDDINGS_ERROR_CODES.emptyText,
        field: `texts.${index}`,
        hint: "Drop empty prompts before embedding (muffler prepare drops them).",
      });
    }
    prepared[index] = toWellFormed(text);
  }
  return prepared;
}

/** Throws `embeddings/aborted` when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new MufflerError("embedding was cancelled.", { code: EMBEDDINGS_ERROR_CODES.aborted, cause: signal.reason });
  }
}

/** Checks `batchSize` (a positive integer) and returns it or the default. */
export function resolveBatchSize(batchSize: number | undefined, fallback: number): number {
  if (batchSize === undefined) return fallback;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new MufflerError(`batchSize must be a positive integer, got ${String(batchSize)}.`, {
      code: EMBEDDINGS_ERROR_CODES.badOption,
      field: "batchSize",
    });
  }
  return batchSize;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
