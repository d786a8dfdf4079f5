// router.json's type and schema are part of the run-directory contract in @muffler/core.
import type { RouterManifest, RouterManifestThreshold } from "@muffler/core";

export { routerManifestSchema } from "@muffler/core";
export type { EmbedderSpec, RouterManifest, RouterManifestThreshold } from "@muffler/core";

/** The thresholds of a manifest split by whether they were calibrated for its weights. */
export interface ManifestThresholds {
  /** Calibrated for `manifest.weightsHash` (or written before thresholds carried a hash: taken as current). */
  current: RouterManifestThreshold[];
  /** Calibrated for other weights (the router was trained again after calibrating): never used to route. */
  stale: RouterManifestThreshold[];
}

/**
 * The one rule that pairs thresholds with weights: a threshold carrying a `weightsHash` other than the manifest's is
 * stale. `loadRouterBundle` has checked that the manifest's `weightsHash` is the weights file's.
 */
export function manifestThresholds(manifest: Pick<RouterManifest, "thresholds" | "weightsHash">): ManifestThresholds {
  const current: RouterManifestThreshold[] = [];
  const stale: RouterManifestThreshold[] = [];
  for (const entry of manifest.thresholds ?? []) {
    if (entry.weightsHash === undefined || manifest.weightsHash === undefined || entry.weightsHash === manifest.weightsHash) current.push(entry);
    else stale.push(entry);
  }
  return { current, stale };
}
