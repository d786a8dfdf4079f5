/**
 * The stable error codes of `@muffler/embeddings`. A code never changes meaning; messages may be reworded.
 */
export const EMBEDDINGS_ERROR_CODES = {
  /** The embedder name is not `use-lite`, `lexical` or `st:<model>`. */
  unknownEmbedder: "embeddings/unknown-embedder",
  /** An embedder option is out of range (dimension, batch size, n-gram sizes). */
  badOption: "embeddings/bad-option",
  /** A text to embed is not a string. */
  notAString: "embeddings/not-a-string",
  /** A text to embed is empty or holds only whitespace. */
  emptyText: "embeddings/empty-text",
  /** A local model folder lacks a file the embedder needs. */
  missingModelFile: "embeddings/missing-model-file",
  /** A model could not be loaded (bad files, no network for a model that is not cached, a runtime failure). */
  modelLoadFailed: "embeddings/model-load-failed",
  /** The model failed while running on a batch (its runtime raised an error, or its worker thread ended). */
  modelRunFailed: "embeddings/model-run-failed",
  /** The model returned something other than one finite vector per text. */
  badModelOutput: "embeddings/bad-model-output",
  /** The embedding cache folder holds something that is not a cache, or cannot be written. */
  badCache: "embeddings/bad-cache",
  /** The run directory has no embeddings for the split, or they do not match the prepared prompts. */
  missingRunEmbeddings: "embeddings/missing-run-embeddings",
  /** A run's embeddings file is damaged (size, checksum, manifest). */
  corruptRunEmbeddings: "embeddings/corrupt-run-embeddings",
  /** An embeddings endpoint refused the API key (HTTP 401 or 403). The message names the URL and the key's variable, never the key. */
  remoteUnauthorized: "embeddings/remote-unauthorized",
  /** An embeddings endpoint answered 404: a wrong base URL (it must end in /v1) or a model it does not serve. */
  remoteNotFound: "embeddings/remote-not-found",
  /** An embeddings endpoint refused the request (another 4xx), or kept failing (429, 5xx, timeouts, refused connections) after every retry. */
  remoteFailed: "embeddings/remote-failed",
  /** Another running process has held the embedding cache's lock for too long without progress. */
  cacheLocked: "embeddings/cache-locked",
  /** The work was cancelled through its AbortSignal. */
  aborted: "embeddings/aborted",
} as const;

export type EmbeddingsErrorCode = (typeof EMBEDDINGS_ERROR_CODES)[keyof typeof EMBEDDINGS_ERROR_CODES];

declare module "@muffler/core" {
  interface MufflerErrorCodes {
    embeddings: EmbeddingsErrorCode;
  }
}

/** @deprecated The old name of `EMBEDDINGS_ERROR_CODES` (every package's map is now `<PACKAGE>_ERROR_CODES`). */
export const EMBEDDINGS_ERRORS = EMBEDDINGS_ERROR_CODES;
