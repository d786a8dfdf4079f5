import { MufflerError, runPaths } from "@muffler/core";
import { compactEmbeddingCaches, EMBEDDINGS_ERROR_CODES } from "@muffler/embeddings";
import { Command } from "commander";
import { formatTable, printResult } from "../cli-output.ts";

/** `muffler cache`: maintenance of the embedding cache. */
export function cacheCommand(): Command {
  const command = new Command("cache").description("Maintain the embedding cache.");
  command
    .command("compact")
    .description("Merge the cache's segments of finished processes into one per embedder (embed does it by itself past 16).")
    .option("--cache <dir>", "the cache folder given to `muffler embed --cache`")
    .option("--run <dir>", "a run whose default cache (<run>/embeddings/cache) to compact")
    .option("--json", "print the result as JSON")
    .action(async (flags: { cache?: string; run?: string; json?: boolean }) => {
      const directory = flags.cache ?? (flags.run !== undefined ? runPaths(flags.run).embeddingsFiles.cache : undefined);
      if (directory === undefined) {
        throw new MufflerError("give --cache <dir> or --run <dir>.", { code: EMBEDDINGS_ERROR_CODES.badOption, field: "--cache", hint: "Run `muffler cache compact --cache <dir>`." });
      }
      const results = await compactEmbeddingCaches({ directory });
      printResult(flags, { directory, embedders: results }, () =>
        results.length === 0
          ? `no embedder caches in ${directory}`
          : formatTable(
              ["embedder", "segments before", "after", "records", "MB before", "MB after"],
              results.map((result) => [result.embedderId, result.segmentsBefore, result.segmentsAfter, result.records, Number((result.bytesBefore / 1e6).toFixed(2)), Number((result.bytesAfter / 1e6).toFixed(2))]),
            ),
      );
    });
  return command;
}
