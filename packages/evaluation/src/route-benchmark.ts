import { MufflerError, runPaths, type OnProgress } from "@muffler/core";
import type { Benchmark } from "@muffler/data";
import { loadRouterBundle, MFRB, type RouterBundle } from "@muffler/model";
import { EVALUATION_ERROR_CODES } from "./errors.ts";
import { embedTexts } from "./embed-texts.ts";

/** The router bundle of a run directory, the MF in inference form, and the strong/weak ids it routes between. */
export async function loadRunRouter(runDirectory: string): Promise<RouterBundle & { router: MFRB; strongId: number; weakId: number }> {
  const bundle = await loadRouterBundle(runPaths(runDirectory).router.root);
  const router = new MFRB(bundle.parameters);
  const { strongModel, weakModel } = bundle.manifest;
  const strongId = bundle.manifest.models.indexOf(strongModel);
  const weakId = bundle.manifest.models.indexOf(weakModel);
  if (strongId < 0 || weakId < 0) {
    throw new MufflerError(`the router's strong and weak models (${strongModel}, ${weakModel}) are not both among its models (${bundle.manifest.models.join(", ")}).`, {
      code: EVALUATION_ERROR_CODES.modelMismatch,
      file: runPaths(runDirectory).router.manifest,
    });
  }
  return { ...bundle, router, strongId, weakId };
}

/** Options of {@link routeBenchmarkWithRun}. */
export interface RouteBenchmarkWithRunOptions {
  /** A trained run directory. */
  runDirectory: string;
  benchmark: Benchmark;
  /** The embeddings cache. @default `<run>/embeddings/cache` */
  cacheDirectory?: string;
  onProgress?: OnProgress;
}

/**
 * P(strong beats weak) for every prompt of `benchmark` with a run's trained router, embedding the prompts with the
 * router's own embedder (through the cache: `cacheDirectory`, else `<run>/embeddings/cache`).
 */
export async function routeBenchmarkWithRun(options: RouteBenchmarkWithRunOptions): Promise<{ winRates: Float64Array; embedderId: string }> {
  const loaded = await loadRunRouter(options.runDirectory);
  const embedded = await embedTexts({
    embedder: loaded.manifest.embedder,
    texts: options.benchmark.prompts,
    cacheDirectory: options.cacheDirectory ?? runPaths(options.runDirectory).embeddingsFiles.cache,
    ...(options.onProgress !== undefined && { onProgress: options.onProgress }),
  });
  if (embedded.embedderId !== loaded.manifest.embedder.id || embedded.dimension !== loaded.manifest.dimension) {
    throw new MufflerError(
      `the router was trained with embedder ${loaded.manifest.embedder.id} (${loaded.manifest.dimension}-d) but "${loaded.manifest.embedder.name}" now gives ${embedded.embedderId} (${embedded.dimension}-d).`,
      { code: EVALUATION_ERROR_CODES.modelMismatch, file: runPaths(options.runDirectory).router.manifest, field: "embedder", hint: "Install the embedder version the router was trained with, or train again." },
    );
  }
  return { winRates: loaded.router.winRates(loaded.strongId, loaded.weakId, embedded.data), embedderId: embedded.embedderId };
}
