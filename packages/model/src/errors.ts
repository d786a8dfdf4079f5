/** Error codes of @muffler/model, stable across versions. */
export const MODEL_ERROR_CODES = {
  /** A tensor is missing, or its shape disagrees with the others or with the manifest. */
  badShape: "model/bad-shape",
  /** A tensor is not F32 (F16/BF16 are accepted and widened). */
  badDtype: "model/bad-dtype",
  /** router.json is missing, not JSON, or fails validation. */
  badManifest: "model/bad-manifest",
  /** The manifest's embedder dimension differs from the weights' or the caller's embedder. */
  dimensionMismatch: "model/dimension-mismatch",
  /** A model name or id that the router does not know. */
  unknownModel: "model/unknown-model",
  /** Options out of range (hidden <= 0, no models, ...). */
  invalidOptions: "model/invalid-options",
  /** A candidate's price or expected length is missing or not a finite number >= 0, or names a model twice. */
  badCandidate: "model/bad-candidate",
  /** A price table (LiteLLM's model_prices_and_context_window.json format) is malformed or lacks a model. */
  badPriceTable: "model/bad-price-table",
  /** A routing policy is malformed (unknown kind, negative lambda, tolerance or cap). */
  badPolicy: "model/bad-policy",
  /** The weights file is missing, truncated or not safetensors. */
  badWeights: "model/bad-weights",
  /** router.safetensors is not the file router.json was written with (its sha256 differs from `weightsHash`). */
  weightsMismatch: "model/weights-mismatch",
} as const;

export type ModelErrorCode = (typeof MODEL_ERROR_CODES)[keyof typeof MODEL_ERROR_CODES];

declare module "@muffler/core" {
  interface MufflerErrorCodes {
    model: ModelErrorCode;
  }
}
