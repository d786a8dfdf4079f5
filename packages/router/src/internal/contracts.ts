import type { Embedder } from "@muffler/embeddings";
import type { MFParameters, RouterManifest } from "@muffler/model";

/** The MF weights a Router scores with (`MFParameters` of @muffler/model). */
export type RouterParameters = MFParameters;

/** The fields of a router manifest (`RouterManifest` of @muffler/model) the Router reads. */
export type RouterBundleManifest = Pick<
  RouterManifest,
  "models" | "strongModel" | "weakModel" | "hidden" | "dimension" | "embedder" | "thresholds" | "weightsHash" | "candidates" | "budgets"
>;

/** What the Router needs of an embedder (`Embedder` of @muffler/embeddings): tests and benchmarks inject fakes. */
export type RouterEmbedder = Pick<Embedder, "id" | "dimension" | "concurrency" | "embed" | "dispose">;
