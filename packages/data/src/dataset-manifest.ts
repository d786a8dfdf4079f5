/** A split of a prepared dataset. */
export type Split = "train" | "test";

/** The labels of an encoded battle: which side won (after orientation, `model_a` is the strong model of a pair). */
export const BATTLE_LABELS = ["model_a", "model_b"] as const;
export type BattleLabel = (typeof BATTLE_LABELS)[number];

// The dataset manifest's type and schema are part of the run-directory contract in @muffler/core.
export { datasetManifestSchema } from "@muffler/core";
export type { DatasetManifest, PreparationCounts } from "@muffler/core";
