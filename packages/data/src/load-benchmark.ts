import { MufflerError, parseJsonLines } from "@muffler/core";
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { z } from "zod";
import type { Benchmark } from "./benchmark.ts";
import { DATA_ERROR_CODES } from "./errors.ts";
import { DuckDbSession, sqlString } from "./internal/duckdb-session.ts";
import { mapReadError } from "./internal/load-table.ts";

/** Options of {@link loadBenchmark}. */
export interface LoadBenchmarkOptions {
  /**
   * A RouteLLM benchmark: a folder of per-subject CSVs (MMLU: `mmlu/` or `mmlu/responses/`), one CSV (GSM8K:
   * `gsm8k/gsm8k_responses.csv` or its folder), or MT-Bench's `judgements.jsonl` (or its folder, with `question.jsonl`).
   */
  path: string;
  /**
   * The strong model's column (CSV) or `model` (MT-Bench). Matched exactly, then case-insensitively, then as the last
   * part of a `owner/name` id (`mixtral-8x7b-instruct-v0.1` finds `mistralai/Mixtral-8x7B-Instruct-v0.1`).
   * @default "gpt-4-1106-preview" when present, else the model with the higher mean score
   */
  strongModel?: string;
  /** @default the other model */
  weakModel?: string;
  /** Drop the prompts listed in `contaminated_prompts.jsonl` beside the benchmark (exact `eval_prompt` match, as RouteLLM). @default true */
  contamination?: boolean;
  /** A contamination list to use instead of the one beside the benchmark. @default undefined */
  contaminationPath?: string;
  /** MT-Bench: score a question by its first turn, or by the mean of both turns (RouteLLM). @default "mean" */
  mtBenchTurns?: "first" | "mean";
  /** The benchmark's name. @default the folder or file name (`responses` folders take their parent's name) */
  name?: string;
}

const DEFAULT_STRONG = "gpt-4-1106-preview";

/**
 * Loads a benchmark in RouteLLM's format: a `prompt` column plus one boolean correctness column per model (files read
 * in sorted order; a folder of per-subject CSVs keeps the subject in `groups`), or MT-Bench judgments.
 *
 * @throws MufflerError `data/missing-file`, `data/bad-benchmark`, `data/benchmark-not-boolean`, `data/model-not-found`
 */
export async function loadBenchmark(options: LoadBenchmarkOptions): Promise<Benchmark> {
  const path = options.path;
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new MufflerError("benchmark not found.", { code: DATA_ERROR_CODES.missingFile, file: path, hint: "Give a benchmark folder or file (see loadBenchmark's documentation).", cause: error });
  }
  let folder = info.isDirectory() ? path : dirname(path);
  let csvFiles: string[] = [];
  let judgements: string | undefined;
  if (info.isDirectory()) {
    const names = await readdir(path);
    if (names.includes("judgements.jsonl")) judgements = join(path, "judgements.jsonl");
    else if (names.includes("responses") && (await stat(join(path, "responses"))).isDirectory()) {
      folder = path;
      csvFiles = (await readdir(join(path, "responses"))).filter((name) => name.endsWith(".csv")).sort().map((name) => join(path, "responses", name));
    } else csvFiles = names.filter((name) => name.endsWith(".csv") && !name.startsWith(".")).sort().map((name) => join(path, name));
    if (judgements === undefined && csvFiles.length === 0) {
      throw new MufflerError("the folder holds no benchmark CSV files and no judgements.jsonl.", { code: DATA_ERROR_CODES.badBenchmark, file: path, hint: "Give a RouteLLM benchmark folder (mmlu, gsm8k, mt_bench) or file." });
    }
  } else if (extname(path).toLowerCase() === ".csv") csvFiles = [path];
  else if (extname(path).toLowerCase() === ".jsonl") judgements = path;
  else {
    throw new MufflerError(`unknown benchmark format "${extname(path)}"; give a CSV, a judgements JSONL, or a folder.`, { code: DATA_ERROR_CODES.unknownFormat, file: path });
  }
  const folderName = basename(folder) === "responses" ? basename(dirname(folder)) : basename(folder);
  const name = options.name ?? (info.isDirectory() || judgements !== undefined ? folderName : basename(path, extname(path)).replace(/_responses$/, ""));

  const loaded = judgements !== undefined ? await loadMtBench(judgements, options) : await loadCsvBenchmark(csvFiles, options);
  let keep: boolean[] | undefined;
  if (options.contamination ?? true) {
    const listPath = options.contaminationPath ?? join(info.isDirectory() ? folder : dirname(path), "contaminated_prompts.jsonl");
    const contaminated = await readContamination(listPath, options.contaminationPath !== undefined);
    if (contaminated.size > 0) keep = loaded.matchKeys.map((keys) => !keys.some((key) => contaminated.has(key)));
  }
  const pick = <T>(values: T[]): T[] => (keep ? values.filter((_, index) => keep[index]) : values);
  const benchmark: Benchmark = {
    name,
    prompts: pick(loaded.prompts),
    strongScores: Float64Array.from(pick(loaded.strongScores)),
    weakScores: Float64Array.from(pick(loaded.weakScores)),
    strongModel: loaded.strongModel,
    weakModel: loaded.weakModel,
    ...(loaded.groups && { groups: pick(loaded.groups) }),
  };
  return benchmark;
}

interface LoadedScores {
  prompts: string[];
  strongScores: number[];
  weakScores: number[];
  strongModel: string;
  weakModel: string;
  groups?: string[];
  /** Per prompt, the texts a contamination list is matched against (MT-Bench: both turns). */
  matchKeys: string[][];
}

/** Finds a model among `candidates`: exactly, case-insensitively, or as the last part of an `owner/name` id. */
function matchModel(wanted: string, candidates: string[]): string | undefined {
  const lower = wanted.toLowerCase();
  return (
    candidates.find((candidate) => candidate === wanted) ??
    candidates.find((candidate) => candidate.toLowerCase() === lower) ??
    candidates.find((candidate) => candidate.toLowerCase().split("/").pop() === lower.split("/").pop())
  );
}

function choosePair(candidates: string[], means: Map<string, number>, options: LoadBenchmarkOptions, file: string): { strongModel: string; weakModel: string } {
  const find = (wanted: string, role: string): string => {
    const found = matchModel(wanted, candidates);
    if (found === undefined) {
      throw new MufflerError(`the ${role} model "${wanted}" is not in the benchmark (models: ${candidates.join(", ")}).`, {
        code: DATA_ERROR_CODES.modelNotFound,
        file,
        hint: `Name one of its models as the ${role} model.`,
      });
    }
    return found;
  };
  if (candidates.length < 2) {
    throw new MufflerError(`the benchmark needs at least two model columns besides "prompt" (found: ${candidates.join(", ") || "none"}).`, { code: DATA_ERROR_CODES.badBenchmark, file });
  }
  let strongModel = options.strongModel !== undefined ? find(options.strongModel, "strong") : undefined;
  let weakModel = options.weakModel !== undefined ? find(options.weakModel, "weak") : undefined;
  if (strongModel === undefined) {
    const others = candidates.filter((candidate) => candidate !== weakModel);
    strongModel = matchModel(DEFAULT_STRONG, others) ?? others.reduce((best, model) => ((means.get(model) ?? 0) > (means.get(best) ?? 0) ? model : best));
  }
  if (weakModel === undefined) {
    const others = candidates.filter((candidate) => candidate !== strongModel);
    if (others.length > 1) {
      throw new MufflerError(`the benchmark has ${candidates.length} models (${candidates.join(", ")}); say which is the weak one.`, { code: DATA_ERROR_CODES.badOption, file, field: "weakModel" });
    }
    weakModel = others[0]!;
  }
  if (strongModel === weakModel) throw new MufflerError(`the strong and the weak model are the same ("${strongModel}").`, { code: DATA_ERROR_CODES.badOption, file, field: "weakModel" });
  return { strongModel, weakModel };
}

const BOOLEAN_VALUES: Record<string, number> = { true: 1, false: 0, "1": 1, "0": 0, "1.0": 1, "0.0": 0 };

async function loadCsvBenchmark(files: string[], options: LoadBenchmarkOptions): Promise<LoadedScores> {
  const session = await DuckDbSession.open();
  let data: Record<string, (string | null)[]>;
  let columns: string[];
  try {
    // One read for every file (MMLU has 57): faster than a query per file, and rows keep their file order.
    const reader = await session
      .read(`SELECT * FROM read_csv([${files.map(sqlString).join(", ")}], header = true, all_varchar = true, union_by_name = true, filename = '__file')`)
      .catch((error: unknown) => {
        throw mapReadError(error, files.length === 1 ? files[0]! : dirname(files[0]!), "csv");
      });
    columns = reader.columnNames().filter((column) => column !== "__file");
    data = reader.getColumnsObjectJS() as Record<string, (string | null)[]>;
  } finally {
    session.close();
  }
  const first = files[0]!;
  if (!columns.includes("prompt")) {
    throw new MufflerError(`missing column "prompt" (the file has: ${columns.join(", ")}).`, { code: DATA_ERROR_CODES.missingColumns, file: first, column: "prompt", hint: "A RouteLLM benchmark CSV has a prompt column and one True/False column per model." });
  }
  const fileOf = data["__file"]!;
  const prompts = data["prompt"]!;
  // 1-based data row within its own file, for error messages.
  const rowInFile = new Int32Array(prompts.length);
  for (let index = 0, row = 0; index < prompts.length; index++) {
    row = index > 0 && fileOf[index] === fileOf[index - 1] ? row + 1 : 1;
    rowInFile[index] = row;
  }
  const modelColumns = columns.filter((column) => column !== "prompt" && !column.endsWith("_response") && column !== "" && !/^(unnamed|index|column\d+)/i.test(column));
  const parse = (column: string): number[] =>
    data[column]!.map((value, index) => {
      const parsed = value === null ? undefined : BOOLEAN_VALUES[value.trim().toLowerCase()];
      if (parsed === undefined) {
        throw new MufflerError(`expected a boolean (True/False or 1/0), found ${value === null ? "nothing" : JSON.stringify(value.slice(0, 40))}.`, {
          code: DATA_ERROR_CODES.benchmarkNotBoolean,
          file: fileOf[index] ?? first,
          row: rowInFile[index]!,
          column,
          hint: "Correctness columns hold True/False per prompt.",
        });
      }
      return parsed;
    });
  const scores = new Map(modelColumns.map((column) => [column, parse(column)]));
  const means = new Map([...scores].map(([column, values]) => [column, values.reduce((sum, value) => sum + value, 0) / Math.max(values.length, 1)]));
  const pair = choosePair(modelColumns, means, options, first);
  prompts.forEach((prompt, index) => {
    if (prompt === null || prompt.trim() === "") {
      throw new MufflerError("the prompt is empty.", { code: DATA_ERROR_CODES.emptyPrompt, file: fileOf[index] ?? first, row: rowInFile[index]!, column: "prompt" });
    }
  });
  const groups = fileOf.map((file) => basename(file ?? "", ".csv").replace(/^mmlu_/, ""));
  return {
    prompts: prompts as string[],
    strongScores: scores.get(pair.strongModel)!,
    weakScores: scores.get(pair.weakModel)!,
    ...pair,
    ...(files.length > 1 && { groups }),
    matchKeys: (prompts as string[]).map((prompt) => [prompt]),
  };
}

const judgementSchema = z.object({ question_id: z.number().int(), model: z.string(), score: z.number(), turn: z.number().int().min(1).max(2) });
const questionSchema = z.object({ question_id: z.number().int(), turns: z.array(z.string()).min(1), category: z.string().optional() });

async function readJsonLines<T>(file: string, schema: z.ZodType<T>): Promise<T[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new MufflerError("file not found.", { code: DATA_ERROR_CODES.missingFile, file, cause: error });
  }
  return parseJsonLines(text, { file, code: DATA_ERROR_CODES.corruptFile }).map(({ row, value }) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new MufflerError(`unexpected content: ${issue.message}.`, { code: DATA_ERROR_CODES.badBenchmark, file, row, field: issue.path.join(".") });
    }
    return parsed.data;
  });
}

async function loadMtBench(judgementsPath: string, options: LoadBenchmarkOptions): Promise<LoadedScores> {
  const questionsPath = join(dirname(judgementsPath), "question.jsonl");
  const judgements = await readJsonLines(judgementsPath, judgementSchema);
  const questions = await readJsonLines(questionsPath, questionSchema);
  const models = [...new Set(judgements.map((row) => row.model))].sort();
  const turns = options.mtBenchTurns ?? "mean";
  // question -> model -> scores of the counted turns
  const scores = new Map<number, Map<string, number[]>>();
  for (const row of judgements) {
    if (turns === "first" && row.turn !== 1) continue;
    const byModel = scores.get(row.question_id) ?? new Map<string, number[]>();
    scores.set(row.question_id, byModel);
    byModel.set(row.model, [...(byModel.get(row.model) ?? []), row.score]);
  }
  const mean = (values: number[] | undefined) => (values && values.length > 0 ? values.reduce((sum, value) => sum + value, 0) / values.length : Number.NaN);
  const means = new Map(models.map((model) => [model, mean(judgements.filter((row) => row.model === model).map((row) => row.score))]));
  const pair = choosePair(models, means, options, judgementsPath);
  const ordered = [...questions].sort((a, b) => a.question_id - b.question_id);
  const loaded: LoadedScores = { prompts: [], strongScores: [], weakScores: [], ...pair, groups: [], matchKeys: [] };
  for (const question of ordered) {
    const byModel = scores.get(question.question_id);
    const strong = mean(byModel?.get(pair.strongModel));
    const weak = mean(byModel?.get(pair.weakModel));
    if (Number.isNaN(strong) || Number.isNaN(weak)) continue; // a question without judgments of both models
    loaded.prompts.push(question.turns[0]!);
    loaded.strongScores.push(strong);
    loaded.weakScores.push(weak);
    loaded.groups!.push(question.category ?? "");
    loaded.matchKeys.push(question.turns);
  }
  if (loaded.prompts.length === 0) {
    throw new MufflerError("no question has judgments of both models.", { code: DATA_ERROR_CODES.badBenchmark, file: judgementsPath });
  }
  return loaded;
}

const contaminationSchema = z.object({ eval_prompt: z.string() }).loose();

/** The `eval_prompt`s of a contamination list; an empty set when the file is absent and was not asked for by name. */
async function readContamination(path: string, required: boolean): Promise<Set<string>> {
  try {
    await stat(path);
  } catch (error) {
    if (!required) return new Set();
    throw new MufflerError("contamination list not found.", { code: DATA_ERROR_CODES.missingFile, file: path, cause: error });
  }
  return new Set((await readJsonLines(path, contaminationSchema)).map((row) => row.eval_prompt));
}
