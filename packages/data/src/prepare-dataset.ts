import { datasetManifestSchema, datasetPaths, MufflerError, type OnProgress, runPaths, sha256, writeRunFile } from "@muffler/core";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { Battle } from "./battle.ts";
import type { DatasetManifest, PreparationCounts } from "./dataset-manifest.ts";
import { DATA_ERROR_CODES } from "./errors.ts";
import type { Benchmark } from "./benchmark.ts";
import { GOLD_BATTLE_DEFAULTS, goldBattlesFromBenchmark } from "./gold-battles.ts";
import { type HubOptions, isHubId, resolveHubInput } from "./hub-input.ts";
import { appendBattles, appendPrompts } from "./internal/append-rows.ts";
import { DuckDbSession, sqlString } from "./internal/duckdb-session.ts";
import { hashFiles } from "./internal/input-hash.ts";
import { loadTable, type ColumnInfo } from "./internal/load-table.ts";
import { normalizeBattles } from "./internal/normalize-battles.ts";
import type { PromptTurns } from "./prompt-turns.ts";
import { replaceDirectory } from "./internal/replace-directory.ts";
import { resolveLocalInput, type ResolvedInput } from "./internal/resolve-local-input.ts";
import { loadBenchmark } from "./load-benchmark.ts";
import { DEFAULT_TIE_POLICY, TIE_POLICIES, type TiePolicy } from "./tie-policy.ts";

/** Options of {@link prepareDataset}. Give exactly one of `input`, `benchmark` or `battles`. */
export interface PrepareDatasetOptions {
  /** Battles: a local file or folder (csv, tsv, jsonl, json, parquet) or a Hugging Face dataset id `hf:owner/name`. */
  input?: string;
  /** Gold battles from a benchmark (a path as {@link loadBenchmark} takes, or a loaded one) instead of `input`. */
  benchmark?: string | Benchmark;
  /** Battles held in memory instead of `input`. */
  battles?: readonly Battle[];
  /** The run directory; the dataset goes to `<runDirectory>/dataset/`. */
  runDirectory: string;
  /** Keep only battles between this model and `weakModel`, oriented strong first. @default undefined (keep every model; a benchmark's strong model for gold battles) */
  strongModel?: string;
  /** @default undefined (keep every model; a benchmark's weak model for gold battles) */
  weakModel?: string;
  /** Renames model names before anything else, e.g. `{ "mixtral-8x7b-instruct-v0.1": "mistralai/Mixtral-8x7B-Instruct-v0.1" }`. @default {} */
  modelAliases?: Record<string, string>;
  /**
   * What a tie becomes. @default "drop" for battles (as RouteLLM); GOLD_BATTLE_DEFAULTS.tiePolicy ("split") for a
   * benchmark's gold battles, so that `prepareDataset({ benchmark })` labels a benchmark as the evaluation does
   */
  tiePolicy?: TiePolicy;
  /** Gold battles only: see `goldBattlesFromBenchmark`. @default GOLD_BATTLE_DEFAULTS.passingScore (Infinity) */
  goldPassingScore?: number;
  /** Share of rows in the train split, in (0, 1). @default 0.95 */
  splitRatio?: number;
  /** Shuffle (seeded) before splitting; `false` splits in file order like the seed. @default true */
  shuffle?: boolean;
  /** Split each label separately so both splits keep the label ratios. @default false */
  stratify?: boolean;
  /** Seed of the shuffle and of the balancing. @default 0 */
  seed?: number;
  /** RMOTE balancing of the TRAIN split (the test split is never balanced). @default false */
  balance?: boolean;
  /** Muffler column name -> the file's column name, e.g. `{ prompt: "question" }`. @default {} */
  columnMap?: Record<string, string>;
  /** Which turns of a multi-turn (JSON list) prompt to keep: the first, or all joined by a blank line. @default "first" */
  promptTurns?: PromptTurns;
  /** Drop exact duplicate battles (same models, prompt and outcome), keeping the first. Off by default: RouteLLM and the seed keep repeated judgments as separate observations. @default false */
  dedupe?: boolean;
  /** Benchmarks (paths as {@link loadBenchmark} takes) whose prompts are dropped from the battles (exact match after whitespace normalization). @default [] */
  excludeBenchmarks?: string[];
  /** Hugging Face hub settings for `hf:` inputs. */
  hub?: HubOptions;
  /** Progress events, one per step. */
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/** What {@link prepareDataset} made. */
export interface PrepareDatasetResult {
  manifest: DatasetManifest;
  /** Rows and columns of the input as read. */
  inputShape: { rows: number; columns: number };
  /** Where the files are. */
  paths: ReturnType<typeof runPaths>["dataset"];
}

/** Options of every parquet COPY (see the package README, "Performance", for the measurements behind them). */
const PARQUET_OPTIONS = "FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1";

const STEPS = ["read", "validate", "filter", "split", "encode", "write", "balance"] as const;

/**
 * Turns battles (a file, a hub dataset, a benchmark's gold battles) into train/test splits in a run directory:
 * `dataset/raw/{train,test}.parquet` (oriented battles), `dataset/encoded/{train,test}.parquet` (model ids, prompt
 * index, label; the train split balanced when asked) and `dataset/manifest.json`, all replaced at once.
 *
 * @throws MufflerError with a `data/*` code (see `DATA_ERROR_CODES`) naming the file, row and column.
 */
export async function prepareDataset(options: PrepareDatasetOptions): Promise<PrepareDatasetResult> {
  const tiePolicy = options.tiePolicy ?? (options.benchmark !== undefined ? GOLD_BATTLE_DEFAULTS.tiePolicy : DEFAULT_TIE_POLICY);
  const goldPassingScore = options.goldPassingScore ?? GOLD_BATTLE_DEFAULTS.passingScore;
  const splitRatio = options.splitRatio ?? 0.95;
  const shuffle = options.shuffle ?? true;
  const stratify = options.stratify ?? false;
  const seed = options.seed ?? 0;
  const balance = options.balance ?? false;
  const dedupe = options.dedupe ?? false;
  const promptTurns = options.promptTurns ?? "first";
  const sources = [options.input, options.benchmark, options.battles].filter((value) => value !== undefined).length;
  const option = (field: string, message: string): never => {
    throw new MufflerError(message, { code: DATA_ERROR_CODES.badOption, field });
  };
  if (sources !== 1) option("input", "give exactly one of input, benchmark or battles.");
  if (!(splitRatio > 0 && splitRatio < 1)) option("splitRatio", `the split ratio must be between 0 and 1 (exclusive), got ${splitRatio}.`);
  if (!TIE_POLICIES.includes(tiePolicy)) option("tiePolicy", `unknown tie policy "${String(tiePolicy)}"; use one of ${TIE_POLICIES.join(", ")}.`);
  if (!Number.isInteger(seed) || seed < 0) option("seed", `the seed must be a non-negative integer, got ${seed}.`);

  const progress = (step: (typeof STEPS)[number], detail?: Record<string, string | number>) =>
    options.onProgress?.({ stage: "prepare", done: STEPS.indexOf(step), total: STEPS.length, unit: "steps", detail: { step, ...detail } });
  const checkAborted = () => options.signal?.throwIfAborted();

  // Gold battles: the benchmark names the pair.
  let benchmark: Benchmark | undefined;
  if (options.benchmark !== undefined) {
    benchmark = typeof options.benchmark === "string" ? await loadBenchmark({ path: options.benchmark }) : options.benchmark;
  }
  const strongModel = options.strongModel ?? benchmark?.strongModel;
  const weakModel = options.weakModel ?? benchmark?.weakModel;
  if ((strongModel === undefined) !== (weakModel === undefined)) option(strongModel === undefined ? "strongModel" : "weakModel", "give both the strong and the weak model, or neither.");
  if (strongModel !== undefined && strongModel === weakModel) option("weakModel", `the strong and the weak model are the same ("${strongModel}").`);
  if ((tiePolicy === "weak-wins" || tiePolicy === "strong-wins") && strongModel === undefined) option("tiePolicy", `the tie policy "${tiePolicy}" needs a strong and a weak model; give both, or use "drop".`);

  const session = await DuckDbSession.open();
  const abort = () => session.connection.interrupt();
  options.signal?.addEventListener("abort", abort);
  try {
    progress("read");
    let columns: ColumnInfo[];
    let displayPath: string;
    let inputHash: string;
    let inputDescription: string;
    if (options.input !== undefined) {
      const resolved: ResolvedInput = isHubId(options.input) ? await resolveHubInput(options.input, options.hub ?? {}) : await resolveLocalInput(options.input);
      displayPath = resolved.displayPath;
      inputDescription = options.input;
      const hashing = hashFiles(resolved.paths);
      hashing.catch(() => undefined);
      columns = await loadTable(session, { paths: resolved.paths, displayPath, format: resolved.format, table: "source" });
      inputHash = await hashing;
    } else {
      const battles = options.battles ?? goldBattlesFromBenchmark({ benchmark: benchmark!, passingScore: goldPassingScore });
      displayPath = benchmark ? `gold battles of ${benchmark.name}` : "battles";
      inputDescription = benchmark ? `benchmark:${typeof options.benchmark === "string" ? options.benchmark : benchmark.name}` : "battles";
      await appendBattles(session, "source", battles);
      inputHash = sha256(JSON.stringify(battles));
      columns = ["model_a", "model_b", "prompt", "winner_model_a", "winner_model_b", "winner_tie"].map((name) => ({ name, type: name.startsWith("winner") ? "INTEGER" : "VARCHAR" }));
      if (battles.length === 0) throw new MufflerError("there are no battles.", { code: DATA_ERROR_CODES.emptyFile, file: displayPath });
    }
    checkAborted();

    progress("validate");
    await normalizeBattles(session, { sourceTable: "source", columns, displayPath, columnMap: options.columnMap, promptTurns, modelAliases: options.modelAliases });
    const inputRows = await session.number("SELECT count(*) FROM source");
    checkAborted();

    progress("filter");
    const counts: PreparationCounts = { input: inputRows, otherModels: 0, tiesDropped: 0, tiesResolved: 0, duplicates: 0, contaminated: 0, kept: 0 };
    let oriented = "SELECT source_row, model_a, model_b, prompt, wa, wb, wt FROM battles";
    // One pass counts the pair's presence, its battles and their ties (a tie does not depend on the orientation).
    const isTie = "(wt = 1 OR (wa = 1 AND wb = 1))";
    let tieCounts: Record<string, unknown>;
    if (strongModel !== undefined && weakModel !== undefined) {
      const strong = sqlString(strongModel);
      const weak = sqlString(weakModel);
      const pair = `((model_a = ${strong} AND model_b = ${weak}) OR (model_a = ${weak} AND model_b = ${strong}))`;
      const presence = (
        await session.rows(`SELECT count(*) FILTER (WHERE model_a = ${strong} OR model_b = ${strong}) AS strong, count(*) FILTER (WHERE model_a = ${weak} OR model_b = ${weak}) AS weak,
          count(*) FILTER (WHERE ${pair}) AS rows, count(*) FILTER (WHERE ${pair} AND ${isTie}) AS ties FROM battles`)
      )[0]!;
      tieCounts = presence;
      const missing = [...(Number(presence["strong"]) === 0 ? [["strong", strongModel]] : []), ...(Number(presence["weak"]) === 0 ? [["weak", weakModel]] : [])];
      if (missing.length > 0) {
        const known = (await session.rows("SELECT name FROM (SELECT model_a AS name FROM battles UNION SELECT model_b FROM battles) ORDER BY name LIMIT 20")).map((row) => String(row["name"]));
        throw new MufflerError(`${missing.map(([role, name]) => `the ${role} model "${name}"`).join(" and ")} ${missing.length > 1 ? "do" : "does"} not occur in the data (models found: ${known.join(", ")}${known.length === 20 ? ", ..." : ""}).`, {
          code: DATA_ERROR_CODES.modelNotFound,
          file: displayPath,
          column: "model_a",
          hint: "Spell the model as the data does, or map names with --alias (modelAliases).",
        });
      }
      oriented = `SELECT source_row,
          ${strong} AS model_a, ${weak} AS model_b, prompt,
          CASE WHEN model_a = ${strong} THEN wa ELSE wb END AS wa,
          CASE WHEN model_a = ${strong} THEN wb ELSE wa END AS wb,
          wt
        FROM battles WHERE ${pair}`;
    } else {
      tieCounts = (await session.rows(`SELECT count(*) AS rows, count(*) FILTER (WHERE ${isTie}) AS ties FROM battles`))[0]!;
    }
    // "split": a tie becomes two rows, one won by each side (both keep the source row, so they never straddle a split).
    const labelSql =
      tiePolicy === "split"
        ? `unnest(CASE WHEN ${isTie} THEN ['model_a', 'model_b'] WHEN wa = 1 THEN ['model_a'] ELSE ['model_b'] END)`
        : `CASE WHEN ${isTie} THEN ${tiePolicy === "weak-wins" ? "'model_b'" : tiePolicy === "strong-wins" ? "'model_a'" : "NULL"} WHEN wa = 1 THEN 'model_a' ELSE 'model_b' END`;
    await session.run(`CREATE OR REPLACE VIEW labelled AS SELECT source_row, model_a, model_b, prompt, wa, wb, wt,
        ${isTie} AS is_tie,
        ${labelSql} AS label
      FROM (${oriented})`);
    counts.otherModels = inputRows - Number(tieCounts["rows"]);
    if (tiePolicy === "drop") counts.tiesDropped = Number(tieCounts["ties"]);
    else counts.tiesResolved = Number(tieCounts["ties"]);
    const decisive = Number(tieCounts["rows"]) - counts.tiesDropped + (tiePolicy === "split" ? Number(tieCounts["ties"]) : 0);

    const excluded = options.excludeBenchmarks ?? [];
    let kept = decisive;
    if (dedupe || excluded.length > 0) {
      // The slower path, only when asked: a table of the kept battles in file order.
      const keptSql = dedupe
        ? "SELECT * EXCLUDE (is_tie) FROM labelled WHERE label IS NOT NULL QUALIFY row_number() OVER (PARTITION BY model_a, model_b, prompt, label ORDER BY source_row) = 1"
        : "SELECT * EXCLUDE (is_tie) FROM labelled WHERE label IS NOT NULL";
      await session.run(`CREATE OR REPLACE TABLE kept AS ${keptSql} ORDER BY source_row`);
      const afterDedupe = await session.number("SELECT count(*) FROM kept");
      counts.duplicates = decisive - afterDedupe;
      if (excluded.length > 0) {
        const prompts: string[] = [];
        for (const path of excluded) prompts.push(...(await loadBenchmark({ path, contamination: false })).prompts);
        await appendPrompts(session, "excluded_raw", prompts);
        await session.run(`CREATE OR REPLACE TABLE excluded AS SELECT DISTINCT ${normalizedPrompt("prompt")} AS prompt FROM excluded_raw`);
        await session.run(`DELETE FROM kept WHERE ${normalizedPrompt("prompt")} IN (SELECT prompt FROM excluded)`);
      }
      kept = await session.number("SELECT count(*) FROM kept");
      counts.contaminated = afterDedupe - kept;
    } else {
      await session.run("CREATE OR REPLACE VIEW kept AS SELECT * EXCLUDE (is_tie) FROM labelled WHERE label IS NOT NULL");
    }
    counts.kept = kept;
    if (kept < 2) {
      throw new MufflerError(`only ${kept} battle${kept === 1 ? "" : "s"} left after filtering (pair, ties, duplicates, contamination); need at least 2 to make both splits.`, {
        code: DATA_ERROR_CODES.tooFewRows,
        file: displayPath,
        hint: "Check the strong and weak model names and the tie policy.",
      });
    }
    checkAborted();

    progress("split");
    const { trainPredicate, rows } = await split(session, { kept, splitRatio, shuffle, stratify, seed, displayPath });
    const ratios = (countsBySplit: Record<string, number>, total: number) =>
      Object.fromEntries(Object.entries(countsBySplit).map(([label, n]) => [label, total === 0 ? 0 : n / total]));
    checkAborted();

    progress("encode");
    const names =
      strongModel !== undefined && weakModel !== undefined
        ? [strongModel, weakModel]
        : (await session.rows("SELECT DISTINCT name FROM (SELECT DISTINCT model_a AS name FROM kept UNION ALL SELECT DISTINCT model_b FROM kept)")).map((row) => String(row["name"]));
    const models = [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const modelList = `[${models.map(sqlString).join(", ")}]`;
    const modelId = (column: string) => `CAST(list_position(${modelList}, ${column}) - 1 AS INTEGER)`;
    const encodedColumns = `prompt_index, ${modelId("model_a")} AS model_a_id, ${modelId("model_b")} AS model_b_id, label,
      ${modelId("CASE WHEN label = 'model_a' THEN model_a ELSE model_b END")} AS winner_id,
      ${modelId("CASE WHEN label = 'model_a' THEN model_b ELSE model_a END")} AS loser_id`;
    checkAborted();

    progress("write");
    const paths = runPaths(options.runDirectory).dataset;
    const manifest: DatasetManifest = {
      format: "muffler-dataset",
      version: 1,
      models,
      ...(strongModel !== undefined && { strongModel }),
      ...(weakModel !== undefined && { weakModel }),
      rows: { ...rows },
      labelRatios: { train: {}, test: {} },
      inputHash,
      options: {
        input: inputDescription,
        strongModel: strongModel ?? null,
        weakModel: weakModel ?? null,
        modelAliases: options.modelAliases ?? {},
        tiePolicy,
        ...(benchmark !== undefined && { goldPassingScore: Number.isFinite(goldPassingScore) ? goldPassingScore : String(goldPassingScore) }),
        splitRatio,
        shuffle,
        stratify,
        seed,
        balance,
        columnMap: options.columnMap ?? {},
        promptTurns,
        dedupe,
        excludeBenchmarks: excluded,
        ...(options.hub?.revision !== undefined && { revision: options.hub.revision }),
      },
      counts,
      createdAt: new Date().toISOString(),
    };
    const rawColumns = "source_row, model_a, model_b, prompt, CAST(wa AS TINYINT) AS winner_model_a, CAST(wb AS TINYINT) AS winner_model_b, CAST(wt AS TINYINT) AS winner_tie, label";
    await replaceDirectory(paths.root, async (temporary) => {
      // The layout of dataset/ is core's datasetPaths, laid out in the temporary folder that replaces it.
      const files = datasetPaths(temporary);
      await mkdir(dirname(files.rawTrain), { recursive: true });
      await mkdir(dirname(files.encodedTrain), { recursive: true });
      const file = (path: string) => sqlString(path);
      const copy = (sql: string, path: string) => session.run(`COPY (${sql}) TO ${file(path)} (${PARQUET_OPTIONS})`);
      // Each split keeps file order, and a raw row's position in its file is its prompt index. The encoded files take
      // that position from the raw files (parquet's file_row_number), so the two always agree.
      // ORDER BY: the split's semi-join does not keep scan order (a split tie's two rows share a source row: label orders them).
      await copy(`SELECT ${rawColumns} FROM kept WHERE ${trainPredicate} ORDER BY source_row, label`, files.rawTrain);
      await copy(`SELECT ${rawColumns} FROM kept WHERE NOT (${trainPredicate}) ORDER BY source_row, label`, files.rawTest);
      const rawRows = (path: string) => `(SELECT CAST(file_row_number AS INTEGER) AS prompt_index, model_a, model_b, label FROM read_parquet(${file(path)}, file_row_number = true))`;
      await copy(`SELECT ${encodedColumns} FROM ${rawRows(files.rawTest)}`, files.encodedTest);
      const labelCounts = { train: { model_a: 0, model_b: 0 }, test: { model_a: 0, model_b: 0 } } as Record<"train" | "test", Record<string, number>>;
      for (const which of ["train", "test"] as const) {
        for (const row of await session.rows(`SELECT label, count(*) AS n FROM read_parquet(${file(files.raw(which))}) GROUP BY ALL`)) {
          labelCounts[which][String(row["label"])] = Number(row["n"]);
        }
        manifest.labelRatios[which] = ratios(labelCounts[which], rows[which]);
      }
      progress("balance");
      if (balance) {
        const minority = Math.min(labelCounts.train["model_a"] ?? 0, labelCounts.train["model_b"] ?? 0);
        if (minority === 0) {
          throw new MufflerError("balancing needs both labels in the train split, but one label never occurs.", {
            code: DATA_ERROR_CODES.tooFewRows,
            file: displayPath,
            field: "balance",
            hint: "Prepare without balancing, or with another tie policy.",
          });
        }
        await session.run(`CREATE OR REPLACE VIEW encoded_train AS SELECT ${encodedColumns} FROM ${rawRows(files.rawTrain)}`);
        const balanced = await rmote(session, { seed, labelCounts: labelCounts.train, target: files.encodedTrain, copyOptions: PARQUET_OPTIONS });
        manifest.rows.trainBalanced = balanced.rows;
        manifest.balancedLabelRatios = ratios(balanced.labelCounts, balanced.rows);
      } else {
        await copy(`SELECT ${encodedColumns} FROM ${rawRows(files.rawTrain)}`, files.encodedTrain);
      }
      await writeRunFile({ path: files.manifest, schema: datasetManifestSchema, value: manifest });
    });
    options.onProgress?.({ stage: "prepare", done: STEPS.length, total: STEPS.length, unit: "steps", detail: { step: "done" } });
    return { manifest, inputShape: { rows: inputRows, columns: columns.length }, paths };
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw error;
  } finally {
    options.signal?.removeEventListener("abort", abort);
    session.close();
  }
}

/** A prompt with runs of whitespace collapsed to one space and the ends trimmed (for contamination matching). */
function normalizedPrompt(column: string): string {
  return `trim(regexp_replace(${column}, '\\s+', ' ', 'g'))`;
}

/**
 * Decides the split without moving rows, by PROMPT: every battle of one prompt text lands in the same split (a prompt
 * repeated in the data never sits on both sides). Prompt groups are ordered by a key (DuckDB's `hash(prompt, seed)`
 * when shuffling, deterministic for a DuckDB version and a seed; else the group's first source row, i.e. file order;
 * ties broken by the first source row) and dealt to train until it holds n_train = n - ceil((1 - ratio) * n) battles
 * (scikit-learn's train_test_split sizes, per label when stratified): the group that crosses the boundary goes to
 * train whole, so with repeated prompts train may hold a few battles more. Stratified: a group's label is the label of
 * its first battle.
 */
async function split(
  session: DuckDbSession,
  options: { kept: number; splitRatio: number; shuffle: boolean; stratify: boolean; seed: number; displayPath: string },
): Promise<{ trainPredicate: string; rows: { train: number; test: number } }> {
  const { splitRatio, seed } = options;
  const testSize = (n: number) => Math.ceil(Number(((1 - splitRatio) * n).toFixed(9)));
  const key = options.shuffle ? `hash(prompt, ${seed})` : "CAST(min(source_row) AS UBIGINT)";
  const stratum = options.stratify ? "arg_min(label, source_row)" : "'all'";
  await session.run(`CREATE OR REPLACE TABLE split_groups AS
    SELECT prompt, ${key} AS k, min(source_row) AS first_row, count(*) AS n, ${stratum} AS stratum FROM kept GROUP BY prompt`);
  const targets: string[] = [];
  for (const row of await session.rows("SELECT stratum, sum(n) AS n FROM split_groups GROUP BY ALL ORDER BY stratum")) {
    const size = Number(row["n"]);
    targets.push(`WHEN stratum = ${sqlString(String(row["stratum"]))} THEN ${size - testSize(size)}`);
  }
  await session.run(`CREATE OR REPLACE TABLE train_prompts AS
    SELECT prompt FROM (
      SELECT prompt, stratum, sum(n) OVER (PARTITION BY stratum ORDER BY k, first_row ROWS UNBOUNDED PRECEDING) - n AS before FROM split_groups
    ) WHERE before < (CASE ${targets.join(" ")} ELSE 0 END)`);
  const trainPredicate = "(prompt IN (SELECT prompt FROM train_prompts))";
  const train = await session.number(`SELECT count(*) FROM kept WHERE ${trainPredicate}`);
  const rows = { train, test: options.kept - train };
  if (rows.train === 0 || rows.test === 0) {
    throw new MufflerError(`the split ratio ${splitRatio} leaves the ${rows.train === 0 ? "train" : "test"} split empty (${options.kept} battles).`, {
      code: DATA_ERROR_CODES.tooFewRows,
      file: options.displayPath,
      field: "splitRatio",
      hint: "Use more battles (or more distinct prompts) or a split ratio nearer 0.5.",
    });
  }
  return { trainPredicate, rows };
}

/**
 * RMOTE (randomized minority oversampling) of the train split, as the seed describes it: sample the majority label
 * down to the minority's size m (without replacement), then draw rows with replacement from that balanced set of 2m
 * rows until the split has its original size n, and shuffle. All in DuckDB SQL over `encoded_train`, seeded with
 * DuckDB's `hash` (deterministic for a DuckDB version and a seed, like the split), each step with its own salt:
 * the majority keeps its m rows with the smallest `hash(prompt_index, seed, 'majority')`; the balanced set is numbered
 * 0..2m-1 in prompt order (its row ids); extra row k (k in 0..n-2m-1) is balanced row `hash(k, seed, 'draw') % 2m`; the n rows
 * are written in the order of `hash(position, seed, 'shuffle')`. Writes `target` in one COPY.
 */
async function rmote(
  session: DuckDbSession,
  options: { seed: number; labelCounts: Record<string, number>; target: string; copyOptions: string },
): Promise<{ rows: number; labelCounts: Record<string, number> }> {
  const { seed } = options;
  const a = options.labelCounts["model_a"] ?? 0;
  const b = options.labelCounts["model_b"] ?? 0;
  const total = a + b;
  const minorityLabel = a <= b ? "model_a" : "model_b";
  const majorityLabel = a <= b ? "model_b" : "model_a";
  const m = Math.min(a, b);
  const majoritySize = Math.max(a, b);
  const key = `hash(prompt_index, ${seed}, 'majority')`;
  let majorityKept = "TRUE";
  if (m < majoritySize) {
    const boundary = (await session.rows(`SELECT ${key} AS k, prompt_index AS p FROM encoded_train WHERE label = '${majorityLabel}' ORDER BY k, p LIMIT 1 OFFSET ${m - 1}`))[0]!;
    const k = String(boundary["k"]);
    majorityKept = `(${key} < ${k} OR (${key} = ${k} AND prompt_index <= ${String(boundary["p"])}))`;
  }
  // Slots are the table's row ids: insertion order (kept by DuckDB) is prompt order, as encoded_train's (a view over
  // the raw train file in file order).
  const columns = "prompt_index, model_a_id, model_b_id, label, winner_id, loser_id";
  await session.run(`CREATE OR REPLACE TABLE balanced AS SELECT ${columns}
    FROM encoded_train WHERE label = '${minorityLabel}' OR (label = '${majorityLabel}' AND ${majorityKept})`);
  const size = 2 * m;
  await session.run(`COPY (
      SELECT ${columns} FROM (
        SELECT rowid AS position, ${columns} FROM balanced
        UNION ALL
        SELECT ${size} + draws.range AS position, ${columns.split(", ").map((column) => `b.${column}`).join(", ")}
        FROM range(${total - size}) draws JOIN (SELECT rowid AS slot, * FROM balanced) b ON b.slot = CAST(hash(draws.range, ${seed}, 'draw') % ${size} AS BIGINT)
      ) ORDER BY hash(position, ${seed}, 'shuffle'), position
    ) TO ${sqlString(options.target)} (${options.copyOptions})`);
  const labelCounts: Record<string, number> = { model_a: 0, model_b: 0 };
  for (const row of await session.rows(`SELECT label, count(*) AS n FROM read_parquet(${sqlString(options.target)}) GROUP BY ALL`)) {
    labelCounts[String(row["label"])] = Number(row["n"]);
  }
  return { rows: total, labelCounts };
}
