/**
 * The shapes this package needs from @muffler/model and @muffler/embeddings, as docs/interfaces.md defines them.
 * Kept structural so that a Router can be built from injected parts (tests, benchmarks) without loading a bundle.
 */

/** docs/interfaces.md `MFParameters`. */
export interface RouterParameters {
  models: string[];
  hidden: number;
  dimension: number;
  /** N*H row-major model embeddings. */
  P: Float32Array;
  /** H*D row-major down-projection (nn.Linear(D, H).weight). */
  W: Float32Array;
  /** H classifier weights. */
  c: Float32Array;
}

/** docs/interfaces.md `RouterManifest` (the fields the router reads). */
export interface RouterBundleManifest {
  models: string[];
  strongModel: string;
  weakModel: string;
  hidden: number;
  dimension: number;
  embedder: { id: string; name: string; dimension: number };
  thresholds?: { strongPercent: number; threshold: number; calibratedOn: string }[];
}

/** docs/interfaces.md `Embedder`. */
export interface RouterEmbedder {
  readonly id: string;
  readonly dimension: number;
  embed(texts: string[], options?: { batchSize?: number; signal?: AbortSignal }): Promise<Float32Array[]>;
  dispose?(): Promise<void>;
}
