/**
 * Writes the vectors of a JSONL file of prompts (`{"prompt": "..."}` per line) as raw little-endian float32 rows, in
 * file order, through the shared embedding cache: the input of reference checks outside TypeScript, such as
 * packages/metrics/bench/mmlu_ceiling.py. Not a benchmark.
 *
 *   node --conditions=@muffler/source --import tsx packages/embeddings/bench/export-vectors.ts \
 *     <prompts.jsonl> <out.f32> [embedder=use-lite] [cache=.cache/embeddings]
 */
import { parseJsonLines, writeFileAtomic } from "@muffler/core";
import { readFile } from "node:fs/promises";
import { createEmbedder, EmbeddingCache, withEmbeddingCache } from "../src/index.ts";

const [input, output, embedderName = "use-lite", cacheDirectory = ".cache/embeddings"] = process.argv.slice(2);
if (input === undefined || output === undefined) {
  console.error("usage: export-vectors.ts <prompts.jsonl> <out.f32> [embedder] [cache folder]");
  process.exit(1);
}
const prompts = parseJsonLines<"export-vectors/bad-line">(await readFile(input, "utf8"), { file: input, code: "export-vectors/bad-line" }).map(({ row, value }) => {
  const prompt = (value as { prompt?: unknown } | null)?.prompt;
  if (typeof prompt !== "string") throw new Error(`${input}:${row}: expected {"prompt": "<text>"}.`);
  return prompt;
});
const embedder = await createEmbedder(embedderName);
const cache = await EmbeddingCache.open({ directory: cacheDirectory, embedderId: embedder.id, dimension: embedder.dimension });
const vectors = await withEmbeddingCache({ embedder, cache }).embed(prompts);
const rows = new Float32Array(prompts.length * embedder.dimension);
vectors.forEach((vector, index) => rows.set(vector, index * embedder.dimension));
await writeFileAtomic(output, new Uint8Array(rows.buffer));
console.log(`${prompts.length} x ${embedder.dimension} float32 (${embedder.id}) -> ${output}`);
