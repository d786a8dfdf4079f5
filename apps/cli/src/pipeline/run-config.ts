import { readFile } from "node:fs/promises";
import { MufflerError } from "@muffler/core";
import { TIE_POLICIES } from "@muffler/data";
import { DEFAULT_EMBEDDER } from "@muffler/embeddings";
import { z } from "zod";
import { CLI_ERROR_CODES } from "../errors.ts";

/** The pipeline's config file (`muffler run --config FILE`): every field is optional except the input. */
export const runConfigSchema = z
  .object({
    /** Where the run's files go. @default "runs/<name>" */
    runDirectory: z.string().min(1).optional(),
    /** A name for the run (used for the default run directory and the report). @default "run" */
    name: z.string().min(1).regex(/^[\w.-]+$/, "letters, digits, '.', '_' and '-' only").default("run"),
    data: z
      .object({
        /** Battles: a parquet, CSV or JSONL file, or an `hf:owner/name` dataset id. */
        input: z.string().min(1),
        /** For `hf:` inputs: a branch, tag or commit. Pin a commit for a reproducible run: a moving branch is not re-read
         * while the config is unchanged. @default "main" */
        revision: z.string().min(1).optional(),
        /** For `hf:` inputs: use only the local Hugging Face cache. @default false */
        offline: z.boolean().optional(),
        strongModel: z.string().min(1).optional(),
        weakModel: z.string().min(1).optional(),
        tiePolicy: z.enum(TIE_POLICIES).optional(),
        splitRatio: z.number().gt(0).lt(1).optional(),
        shuffle: z.boolean().optional(),
        balance: z.boolean().optional(),
        seed: z.number().int().optional(),
      })
      .strict(),
    embeddings: z
      .object({
        /** `use-lite` (default), `lexical` or `st:<model>`. */
        embedder: z.string().min(1).default(DEFAULT_EMBEDDER),
        /** A cache folder shared between runs. @default "<run>/embeddings" */
        cacheDirectory: z.string().min(1).optional(),
        batchSize: z.number().int().positive().optional(),
      })
      .strict()
      .default({ embedder: DEFAULT_EMBEDDER }),
    training: z
      .object({
        epochs: z.number().int().positive().optional(),
        batchSize: z.number().int().positive().optional(),
        learningRate: z.number().positive().optional(),
        weightDecay: z.number().nonnegative().optional(),
        noise: z.number().nonnegative().optional(),
        hidden: z.number().int().positive().optional(),
        seed: z.number().int().optional(),
        patience: z.number().int().positive().optional(),
        /** Share of the train split (by prompt) that picks the best epoch. @default 0.05 (@muffler/data's DEFAULT_VALIDATION_RATIO) */
        validationRatio: z.number().gt(0).lt(1).optional(),
      })
      .strict()
      .default({}),
    calibration: z
      .object({
        /** Target shares of strong calls, in percent. @default 0, 10, ..., 100 */
        strongPercents: z.array(z.number().min(0).max(100)).min(1).optional(),
      })
      .strict()
      .default({}),
    evaluation: z
      .object({
        /** Benchmarks in RouteLLM's format (MMLU folder, GSM8K CSV, MT-Bench judgements) to evaluate on. */
        benchmarks: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({ benchmarks: [] }),
    report: z.object({ enabled: z.boolean().default(true) }).strict().default({ enabled: true }),
  })
  .strict();

export type RunConfig = z.output<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;

/** Validates a config object; `source` names the file in errors. */
export function parseRunConfig(value: unknown, source = "config"): RunConfig {
  const result = runConfigSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.join(".") || "(root)";
    throw new MufflerError(`${issue.message}.`, {
      code: CLI_ERROR_CODES.invalidConfig,
      file: source,
      field,
      hint: "Fix that field of the run config (see `muffler run --help` and README.md).",
    });
  }
  return result.data;
}

/** Reads and validates a run config file (JSON). */
export async function readRunConfig(path: string): Promise<RunConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new MufflerError("The run config file cannot be read.", { code: CLI_ERROR_CODES.configNotFound, file: path, cause: error, hint: "Check the path given to --config." });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MufflerError(`The run config is not valid JSON (${(error as Error).message}).`, { code: CLI_ERROR_CODES.invalidConfig, file: path, cause: error, hint: "Fix the JSON syntax." });
  }
  return parseRunConfig(value, path);
}
