import { fileSystemError, MufflerError } from "@muffler/core";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { type CompactionResult, EmbeddingCache, readSegmentHeader, SEGMENT_NAME } from "./embedding-cache.ts";
import { EMBEDDINGS_ERROR_CODES } from "./errors.ts";

/** Options of {@link compactEmbeddingCaches}. */
export interface CompactEmbeddingCachesOptions {
  /** A cache folder as `EmbeddingCache.open` takes (it holds one folder per embedder). */
  directory: string;
}

/**
 * Compacts every embedder's cache in a cache folder (`muffler cache compact`): for each embedder folder, the
 * segments of finished processes become one (see `EmbeddingCache.compact`). Folders of other files are left alone.
 * @throws MufflerError `embeddings/bad-cache` when `directory` is not a folder.
 */
export async function compactEmbeddingCaches(options: CompactEmbeddingCachesOptions): Promise<CompactionResult[]> {
  let names: string[];
  try {
    if (!(await stat(options.directory)).isDirectory()) throw Object.assign(new Error("not a folder"), { code: "ENOTDIR", path: options.directory });
    names = (await readdir(options.directory)).sort();
  } catch (error) {
    throw (
      fileSystemError(error, { path: options.directory, action: "read" }) ??
      new MufflerError("there is no embedding cache folder here.", {
        code: EMBEDDINGS_ERROR_CODES.badCache,
        file: options.directory,
        hint: "Give the folder given to `muffler embed --cache` (or <run>/embeddings/cache).",
        cause: error,
      })
    );
  }
  const results: CompactionResult[] = [];
  for (const name of names) {
    const folder = join(options.directory, name);
    const segments = await readdir(folder).then(
      (entries) => entries.filter((entry) => SEGMENT_NAME.test(entry)).sort(),
      () => [] as string[],
    );
    let header: { embedderId: string; dimension: number } | undefined;
    for (const segment of segments) {
      header = await readSegmentHeader(join(folder, segment)).catch(() => undefined);
      if (header && EmbeddingCache.folderFor(options.directory, header.embedderId) === folder) break;
      header = undefined;
    }
    if (!header) continue;
    const cache = await EmbeddingCache.open({ directory: options.directory, ...header, maxSegments: Number.POSITIVE_INFINITY });
    try {
      results.push(await cache.compact());
    } finally {
      await cache.close();
    }
  }
  return results;
}
