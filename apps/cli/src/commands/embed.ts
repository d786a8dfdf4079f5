import { MufflerError, runPaths } from "@muffler/core";
import { loadBenchmark, readPreparedBattles } from "@muffler/data";
import { createEmbedder, DEFAULT_BATCH_SIZE, DEFAULT_EMBEDDER, EMBEDDER_NAMES, embedderSpec, EmbeddingCache, EMBEDDINGS_ERROR_CODES, withEmbeddingCache, writeRunEmbeddings } from "@muffler/embeddings";
import type { CreateEmbedderOptions, Embedder, EmbeddingCacheStats } from "@muffler/embeddings";
import { Command, Option } from "commander";
import { formatTable, printResult } from "../cli-output.ts";
import { parseNumberFlag } from "../parse-flags.ts";
import { createProgressBar } from "../progress-bar.ts";

/** The flags of `muffler embed`. */
interface EmbedFlags extends Omit<EmbedRunOptions, "batchSize" | "quiet"> {
  batchSize?: string;
  json?: boolean;
}

/** The typed options of {@link runEmbed} (what `muffler run`'s embed stage passes). */
export interface EmbedRunOptions {
  run?: string;
  embedder: string;
  /** Texts per model call. @default DEFAULT_BATCH_SIZE of @muffler/embeddings */
  batchSize?: number;
  cache?: string;
  benchmark?: string;
  allowDownload?: boolean;
  /** @default "onnx" */
  engine?: "onnx" | "tfjs";
  /** @default "none" */
  quantize?: "none" | "ffn";
  /** use-lite and st: embed only the first n tokens of each text. @default the embedder's (128 for use-lite) */
  maxTokens?: string;
  /** openai:<model>: the API's base URL (default OPENAI_BASE_URL, else OpenAI's). */
  baseUrl?: string;
  /** openai:<model>: the environment variable holding the key. @default "OPENAI_API_KEY" */
  apiKeyEnv?: string;
  /** openai:<model>: the vector length to ask for. */
  dimensions?: string;
  /** openai:<model>: requests in flight. @default "4" */
  concurrency?: string;
  /** No progress bars. @default false */
  quiet?: boolean;
}

/** One embedded set of prompts (a split or a benchmark). */
export interface EmbedPart {
  /** `train`, `test` or `benchmark:<name>`. */
  part: string;
  rows: number;
  /** Texts computed now (not found in the cache). */
  embedded: number;
  /** Texts read from the cache. */
  cached: number;
  seconds: number;
  textsPerSecond: number;
  /** The embeddings file written (splits only). */
  file?: string;
}

/** What `muffler embed` prints with `--json`. */
export interface EmbedResult {
  embedder: string;
  embedderId: string;
  dimension: number;
  cacheDirectory: string;
  parts: EmbedPart[];
  cache: EmbeddingCacheStats;
}

/** `muffler embed`: embeds a prepared run's train and test prompts (or a benchmark's prompts) through the cache. */
export function embedCommand(): Command {
  return new Command("embed")
    .description("Embed a prepared run's train and test prompts into <run>/embeddings/ (or a benchmark's prompts into the cache).")
    .option("--run <dir>", "the run directory prepared by `muffler prepare`")
    .option("--embedder <name>", `the embedder: ${EMBEDDER_NAMES.join(", ")}`, DEFAULT_EMBEDDER)
    .option("--batch-size <n>", `texts per model call (default ${DEFAULT_BATCH_SIZE})`)
    .option("--cache <dir>", "the embedding cache folder (default <run>/embeddings/cache); share one between runs to never embed a prompt twice")
    .option("--benchmark <path>", "embed this benchmark's prompts into the cache (MMLU folder, GSM8K CSV, MT-Bench judgements)")
    .addOption(new Option("--engine <engine>", "use-lite: onnx (onnxruntime-node, native) or tfjs (@tensorflow/tfjs, wasm or tfjs-node when installed)").choices(["onnx", "tfjs"]).default("onnx"))
    .addOption(new Option("--quantize <what>", "use-lite on onnx: ffn runs the feed-forward layers in int8 (about 2x faster, cosine >= 0.999 to the exact vectors, its own cache id)").choices(["none", "ffn"]).default("none"))
    .option("--max-tokens <n>", "use-lite and st:<model>: embed only the first n tokens of each text (part of the embedder id)")
    .option("--allow-download", "st:<hf-id>: download the model into the Hugging Face cache when it is not there")
    .option("--base-url <url>", "openai:<model>: the API's base URL, ending in /v1 (default $OPENAI_BASE_URL, else https://api.openai.com/v1)")
    .option("--api-key-env <name>", "openai:<model>: the environment variable holding the API key (default OPENAI_API_KEY)")
    .option("--dimensions <n>", "openai:<model>: ask for vectors of n values (text-embedding-3 models)")
    .option("--concurrency <n>", "openai:<model>: requests in flight at once (default 4)")
    .option("--json", "print the result as JSON")
    .action(async (flags: EmbedFlags) => {
      const { batchSize: batchSizeFlag, json, ...rest } = flags;
      const batchSize = parseNumberFlag(batchSizeFlag, "--batch-size", { integer: true, min: 1, code: EMBEDDINGS_ERROR_CODES.badOption });
      const result = await runEmbed({ ...rest, ...(batchSize !== undefined && { batchSize }), quiet: json === true });
      printResult({ json }, result, () => summary(result));
    });
}

export async function runEmbed(flags: EmbedRunOptions): Promise<EmbedResult> {
  const batchSize = flags.batchSize ?? DEFAULT_BATCH_SIZE;
  if (flags.run === undefined && flags.benchmark === undefined) {
    throw new MufflerError("give --run <dir> (a prepared run) or --benchmark <path>.", { code: EMBEDDINGS_ERROR_CODES.badOption, field: "--run", hint: "Run `muffler embed --run runs/<name>`." });
  }
  const cacheDirectory = flags.cache ?? (flags.run !== undefined ? runPaths(flags.run).embeddingsFiles.cache : undefined);
  if (cacheDirectory === undefined) {
    throw new MufflerError("--benchmark without --run needs --cache <dir> to keep the embeddings in.", { code: EMBEDDINGS_ERROR_CODES.badOption, field: "--cache" });
  }
  // An unknown embedder name fails before anything is read.
  const maxTokens = flags.maxTokens !== undefined ? positiveIntegerFlag(flags.maxTokens, "--max-tokens") : undefined;
  const embedderOptions: CreateEmbedderOptions = {
    useLite: { engine: flags.engine ?? "onnx", quantize: flags.quantize ?? "none", ...(maxTokens !== undefined && { maxTokens }) },
    sentenceTransformer: { allowDownload: flags.allowDownload === true, ...(maxTokens !== undefined && { maxTokens }) },
    openai: {
      ...(flags.baseUrl !== undefined && { baseUrl: flags.baseUrl }),
      ...(flags.apiKeyEnv !== undefined && { apiKeyEnv: flags.apiKeyEnv }),
      ...(flags.dimensions !== undefined && { dimensions: positiveIntegerFlag(flags.dimensions, "--dimensions") }),
      ...(flags.concurrency !== undefined && { concurrency: positiveIntegerFlag(flags.concurrency, "--concurrency") }),
    },
  };
  const embedder: Embedder = await createEmbedder(flags.embedder, embedderOptions);
  // What the run's embeddings files (and then router.json) store: `createEmbedder(spec)` rebuilds this embedder.
  const spec = embedderSpec(flags.embedder, embedderOptions);
  const inputs: { part: string; prompts: string[]; split?: "train" | "test" }[] = [];
  try {
    if (flags.benchmark !== undefined) {
      const benchmark = await loadBenchmark({ path: flags.benchmark });
      inputs.push({ part: `benchmark:${benchmark.name}`, prompts: benchmark.prompts });
    } else {
      for (const split of ["train", "test"] as const) inputs.push({ part: split, split, prompts: (await readPreparedBattles(flags.run!, split)).prompts });
    }
  } catch (error) {
    await embedder.dispose?.();
    throw error;
  }
  const cache = await EmbeddingCache.open({ directory: cacheDirectory, embedderId: embedder.id, dimension: embedder.dimension });
  const parts: EmbedPart[] = [];
  let stats: EmbeddingCacheStats;
  try {
    const cached = withEmbeddingCache({ embedder, cache });
    for (const input of inputs) {
      const before = cache.stats;
      const bar = createProgressBar({ enabled: flags.quiet !== true });
      const started = performance.now();
      let vectors: Float32Array[];
      try {
        vectors = await cached.embed(input.prompts, {
          batchSize,
          onProgress: (event) => bar.onProgress({ ...event, stage: `embed ${input.part}` }),
        });
      } finally {
        bar.finish();
      }
      const seconds = (performance.now() - started) / 1000;
      const after = cache.stats;
      const part: EmbedPart = {
        part: input.part,
        rows: input.prompts.length,
        embedded: after.written - before.written,
        cached: after.hits - before.hits,
        seconds: Number(seconds.toFixed(3)),
        textsPerSecond: Number((input.prompts.length / Math.max(seconds, 1e-9)).toFixed(1)),
      };
      if (input.split !== undefined) {
        const paths = await writeRunEmbeddings({
          runDirectory: flags.run!,
          split: input.split,
          embedderId: embedder.id,
          embedderName: spec.name,
          embedder: spec,
          dimension: embedder.dimension,
          vectors,
          prompts: input.prompts,
        });
        part.file = paths.data;
      }
      parts.push(part);
    }
  } finally {
    stats = cache.stats;
    await cache.close().catch(() => undefined);
    await embedder.dispose?.();
  }
  return { embedder: flags.embedder, embedderId: embedder.id, dimension: embedder.dimension, cacheDirectory, parts, cache: stats };
}

function positiveIntegerFlag(text: string, field: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new MufflerError(`${field} must be a positive integer, got ${JSON.stringify(text)}.`, { code: EMBEDDINGS_ERROR_CODES.badOption, field });
  }
  return value;
}

function summary(result: EmbedResult): string {
  const rejected = result.cache.rejectedFiles + result.cache.rejectedRecords;
  return [
    `embedder ${result.embedderId} (${result.dimension}-d), cache ${result.cacheDirectory}`,
    formatTable(
      ["part", "rows", "embedded", "cached", "seconds", "texts/s", "file"],
      result.parts.map((part) => [part.part, part.rows, part.embedded, part.cached, part.seconds, part.textsPerSecond, part.file ?? "(cache only)"]),
    ),
    ...(rejected > 0 ? [`cache: ignored ${result.cache.rejectedFiles} foreign or damaged segment file(s) and ${result.cache.rejectedRecords} damaged record(s); their texts were embedded again.`] : []),
  ].join("\n");
}
