import { MufflerError, parseJsonLines } from "@muffler/core";
import { readFile, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { z } from "zod";
import { DATA_ERROR_CODES } from "./errors.ts";
import { parseCsv } from "./internal/parse-csv.ts";
import type { PricedBenchmark, PricedModel } from "./priced-benchmark.ts";

/** Options of {@link loadPricedBenchmark}. */
export interface LoadPricedBenchmarkOptions {
  /** The folder holding `queries.jsonl`, `scores.csv`, `costs.csv` and `models.json`. */
  path: string;
  /** The benchmark's name. @default the folder's name */
  name?: string;
}

/** The files of a priced benchmark folder. */
export const PRICED_BENCHMARK_FILES = ["queries.jsonl", "scores.csv", "costs.csv", "models.json"] as const;

const queryLineSchema = z.object({ id: z.union([z.string(), z.number()]), prompt: z.string(), dataset: z.string().optional() });

const priceNumber = z.number().finite().nonnegative();
const modelEntrySchema = z
  .object({
    name: z.string().min(1),
    input_cost_per_token_usd: priceNumber.optional(),
    output_cost_per_token_usd: priceNumber.optional(),
    input_cost_per_token: priceNumber.optional(),
    output_cost_per_token: priceNumber.optional(),
    input_price_per_million_tokens_usd: priceNumber.optional(),
    output_price_per_million_tokens_usd: priceNumber.optional(),
  })
  .loose();

/** True when `path` is a folder with the four files of a priced benchmark. */
export async function isPricedBenchmarkFolder(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isDirectory()) return false;
    for (const file of PRICED_BENCHMARK_FILES) if (!(await stat(join(path, file))).isFile()) return false;
    return true;
  } catch {
    return false;
  }
}

/**
 * Loads a multi-model priced benchmark folder: `queries.jsonl` (`id`, `prompt`, optional `dataset`), `scores.csv` and
 * `costs.csv` (`id` plus one column per model), and `models.json` (a list of `{ name, input/output cost per token }`;
 * prices as `input_cost_per_token_usd`, LiteLLM's `input_cost_per_token`, or `input_price_per_million_tokens_usd`).
 * Rows follow `queries.jsonl`; `scores.csv` and `costs.csv` are matched by id, in any order.
 *
 * @throws MufflerError `data/missing-file`, `data/corrupt-file`, `data/bad-models-file`, `data/missing-model-column`,
 *   `data/id-mismatch`, `data/bad-score`, `data/bad-cost`, `data/empty-prompt`, `data/empty-file`
 */
export async function loadPricedBenchmark(options: LoadPricedBenchmarkOptions): Promise<PricedBenchmark> {
  const folder = options.path;
  const texts: Record<string, string> = {};
  for (const file of PRICED_BENCHMARK_FILES) {
    try {
      texts[file] = await readFile(join(folder, file), "utf8");
    } catch (error) {
      throw new MufflerError(`the priced benchmark has no ${file}.`, {
        code: DATA_ERROR_CODES.missingFile,
        file: join(folder, file),
        hint: `A priced benchmark folder holds ${PRICED_BENCHMARK_FILES.join(", ")}.`,
        cause: error,
      });
    }
  }
  const models = parseModels(texts["models.json"]!, join(folder, "models.json"));
  const queries = parseQueries(texts["queries.jsonl"]!, join(folder, "queries.jsonl"));
  const rowOf = new Map(queries.ids.map((id, row) => [id, row]));
  const table = (file: "scores.csv" | "costs.csv") => parseModelTable({ text: texts[file]!, file: join(folder, file), models, rowOf, kind: file === "costs.csv" ? "cost" : "score" });
  return {
    name: options.name ?? basename(resolve(folder)),
    ids: queries.ids,
    prompts: queries.prompts,
    datasets: queries.datasets,
    models,
    scores: table("scores.csv"),
    costs: table("costs.csv"),
  };
}

function parseModels(text: string, file: string): PricedModel[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MufflerError(`models.json is not valid JSON: ${(error as Error).message}.`, { code: DATA_ERROR_CODES.corruptFile, file, cause: error });
  }
  const list = z.array(modelEntrySchema).min(1).safeParse(value);
  if (!list.success) {
    const issue = list.error.issues[0]!;
    throw new MufflerError(`models.json must be a non-empty list of models with a name and per-token prices: ${issue.message} at ${issue.path.join(".") || "the top level"}.`, {
      code: DATA_ERROR_CODES.badModelsFile,
      file,
      field: issue.path.join("."),
      hint: 'Write [{ "name": "model-a", "input_cost_per_token_usd": 1e-6, "output_cost_per_token_usd": 2e-6 }, ...].',
    });
  }
  const seen = new Set<string>();
  return list.data.map((entry, index) => {
    if (seen.has(entry.name)) {
      throw new MufflerError(`models.json names "${entry.name}" twice.`, { code: DATA_ERROR_CODES.badModelsFile, file, field: `${index}.name` });
    }
    seen.add(entry.name);
    const price = (side: "input" | "output"): number => {
      const perToken = entry[`${side}_cost_per_token_usd`] ?? entry[`${side}_cost_per_token`];
      if (perToken !== undefined) return perToken;
      const perMillion = entry[`${side}_price_per_million_tokens_usd`];
      if (perMillion !== undefined) return perMillion / 1e6;
      throw new MufflerError(`models.json: "${entry.name}" has no ${side} price.`, {
        code: DATA_ERROR_CODES.badModelsFile,
        file,
        field: `${index}.${side}_cost_per_token_usd`,
        hint: `Give ${side}_cost_per_token_usd (USD per token) or ${side}_price_per_million_tokens_usd.`,
      });
    };
    return { name: entry.name, inputCostPerToken: price("input"), outputCostPerToken: price("output") };
  });
}

function parseQueries(text: string, file: string): { ids: string[]; prompts: string[]; datasets: string[] } {
  const ids: string[] = [];
  const prompts: string[] = [];
  const datasets: string[] = [];
  const seen = new Set<string>();
  for (const line of parseJsonLines(text, { file, code: DATA_ERROR_CODES.corruptFile })) {
    const parsed = queryLineSchema.safeParse(line.value);
    if (!parsed.success) {
      throw new MufflerError(`queries.jsonl line ${line.row} must be {"id", "prompt", "dataset"?}: ${parsed.error.issues[0]!.message} at "${parsed.error.issues[0]!.path.join(".")}".`, {
        code: DATA_ERROR_CODES.corruptFile,
        file,
        row: line.row,
        field: parsed.error.issues[0]!.path.join("."),
      });
    }
    const id = String(parsed.data.id);
    if (seen.has(id)) throw new MufflerError(`query id "${id}" appears twice in queries.jsonl.`, { code: DATA_ERROR_CODES.idMismatch, file, row: line.row, field: "id" });
    if (parsed.data.prompt.trim() === "") throw new MufflerError(`query "${id}" has an empty prompt.`, { code: DATA_ERROR_CODES.emptyPrompt, file, row: line.row, field: "prompt" });
    seen.add(id);
    ids.push(id);
    prompts.push(parsed.data.prompt);
    datasets.push(parsed.data.dataset ?? "");
  }
  if (ids.length === 0) throw new MufflerError("queries.jsonl holds no query.", { code: DATA_ERROR_CODES.emptyFile, file });
  return { ids, prompts, datasets };
}

function parseModelTable(options: {
  text: string;
  file: string;
  models: PricedModel[];
  rowOf: Map<string, number>;
  kind: "score" | "cost";
}): Float64Array[] {
  const { file, models, rowOf, kind } = options;
  const rows = parseCsv(options.text);
  if (rows === null) throw new MufflerError("the CSV file has an unterminated quoted field.", { code: DATA_ERROR_CODES.corruptFile, file });
  const header = rows[0];
  if (header === undefined || rows.length < 2) throw new MufflerError("the CSV file has no data rows.", { code: DATA_ERROR_CODES.emptyFile, file });
  if (header[0] !== "id") {
    throw new MufflerError(`the first column must be "id", found "${header[0] ?? ""}".`, { code: DATA_ERROR_CODES.missingColumns, file, column: header[0] ?? "", hint: "Write id,<model>,<model>,..." });
  }
  const names = new Set(models.map((model) => model.name));
  const extra = header.slice(1).find((column) => !names.has(column));
  if (extra !== undefined) {
    throw new MufflerError(`column "${extra}" names no model of models.json (${models.map((model) => model.name).join(", ")}).`, {
      code: DATA_ERROR_CODES.missingModelColumn,
      file,
      column: extra,
      hint: "Add the model to models.json with its prices, or drop the column.",
    });
  }
  const columnOf = models.map((model) => header.indexOf(model.name));
  const missing = models.findIndex((_, index) => columnOf[index]! < 0);
  if (missing >= 0) {
    throw new MufflerError(`model "${models[missing]!.name}" of models.json has no column.`, {
      code: DATA_ERROR_CODES.missingModelColumn,
      file,
      column: models[missing]!.name,
      hint: `Every model of models.json needs a ${kind} column in ${basename(file)}.`,
    });
  }
  const values = models.map(() => new Float64Array(rowOf.size).fill(Number.NaN));
  const filled = new Uint8Array(rowOf.size);
  for (let line = 1; line < rows.length; line++) {
    const cells = rows[line]!;
    if (cells.length === 1 && cells[0] === "") continue;
    const id = cells[0]!;
    const row = rowOf.get(id);
    if (row === undefined) {
      throw new MufflerError(`id "${id}" is not a query of queries.jsonl.`, { code: DATA_ERROR_CODES.idMismatch, file, row: line, column: "id", hint: "scores.csv, costs.csv and queries.jsonl must hold the same ids." });
    }
    if (filled[row] === 1) throw new MufflerError(`id "${id}" appears twice.`, { code: DATA_ERROR_CODES.idMismatch, file, row: line, column: "id" });
    filled[row] = 1;
    models.forEach((model, index) => {
      const text = (cells[columnOf[index]!] ?? "").trim();
      const value = Number(text);
      const bad = text === "" || !Number.isFinite(value) || (kind === "cost" && value < 0);
      if (bad) {
        const what = text === "" ? "is missing" : !Number.isFinite(value) ? `is ${JSON.stringify(text)}, not a number` : `is negative (${text})`;
        throw new MufflerError(`the ${kind} of "${model.name}" on query "${id}" ${what}.`, {
          code: kind === "cost" ? DATA_ERROR_CODES.badCost : DATA_ERROR_CODES.badScore,
          file,
          row: line,
          column: model.name,
          hint: kind === "cost" ? "Every cost is USD for that one query, a number >= 0." : "Every score is a number (for example 0..1).",
        });
      }
      values[index]![row] = value;
    });
  }
  const absent = filled.indexOf(0);
  if (absent >= 0) {
    const id = [...rowOf.entries()].find(([, row]) => row === absent)![0];
    throw new MufflerError(`query "${id}" of queries.jsonl has no row.`, { code: DATA_ERROR_CODES.idMismatch, file, column: "id", hint: "scores.csv, costs.csv and queries.jsonl must hold the same ids." });
  }
  return values;
}
