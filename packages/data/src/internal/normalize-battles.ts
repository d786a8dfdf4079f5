import { MufflerError } from "@muffler/core";
import { BATTLE_COLUMNS, type BattleColumn } from "../battle-columns.ts";
import { DATA_ERROR_CODES } from "../errors.ts";
import type { PromptTurns } from "../prompt-turns.ts";
import { type DuckDbSession, sqlIdentifier, sqlString } from "./duckdb-session.ts";
import { type ColumnInfo, noDataRows, SOURCE_ROW_COLUMN } from "./source-view.ts";

const REQUIRED: BattleColumn[] = ["model_a", "model_b", "prompt", "winner_model_a", "winner_model_b"];
const TIE_ALIASES = ["winner_tie", "tie_ab", "tie"];


/**
 * Options of the parquet file of battle facts (see {@link normalizeBattles}): zstd level 1, as the dataset's files
 * (measured: no slower overall than uncompressed or lz4, and a file several times smaller).
 */
const FACTS_PARQUET_OPTIONS = "FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1";

/**
 * Reads the source once and validates every row (the session must run statements on one thread, so that the source
 * view's row numbers follow the file). Writes `factsPath`, a parquet file with one row per input row in file order:
 * `source_row` (1-based), `model_a`, `model_b` (aliases applied), `wa`, `wb`, `wt` (0/1), the prompt column as read
 * and the prompt checks; every later step reads this file instead of the input. Defines over it the views
 * `battle_facts(source_row, model_a, model_b, wa, wb, wt)` and `battles(source_row, model_a, model_b, prompt, wa, wb,
 * wt)` (prompts extracted from turn lists). Throws on the first bad row with its file row and column;
 * `mapReadError` turns a failure to read the input into the error to throw.
 */
export async function normalizeBattles(
  session: DuckDbSession,
  options: {
    sourceView: string;
    columns: ColumnInfo[];
    displayPath: string;
    factsPath: string;
    columnMap?: Record<string, string> | undefined;
    promptTurns: PromptTurns;
    modelAliases?: Record<string, string> | undefined;
    mapReadError?: (error: unknown) => unknown;
  },
): Promise<{ hasTieColumn: boolean; rows: number }> {
  const { sourceView, columns, displayPath } = options;
  let resolved: Partial<Record<BattleColumn, string>>;
  try {
    resolved = resolveColumns(columns, options.columnMap ?? {}, displayPath);
  } catch (error) {
    // A file with a header and no rows says so first, whatever its columns.
    if ((await session.number(`SELECT count(*) FROM (SELECT 1 FROM ${sourceView} LIMIT 1)`).catch(() => 1)) === 0) throw noDataRows(displayPath);
    throw error;
  }
  const type = (name: BattleColumn): string => columns.find((column) => column.name === resolved[name])!.type;
  const column = (name: BattleColumn): string => sqlIdentifier(resolved[name]!);

  const prompt = promptVariants({ column: column("prompt"), type: type("prompt"), turns: options.promptTurns });
  const model = (name: "model_a" | "model_b"): string => {
    const text = `CAST(${column(name)} AS VARCHAR)`;
    const aliases = Object.entries(options.modelAliases ?? {});
    if (aliases.length === 0) return text;
    return `CASE ${text} ${aliases.map(([from, to]) => `WHEN ${sqlString(from)} THEN ${sqlString(to)}`).join(" ")} ELSE ${text} END`;
  };
  const hasTieColumn = resolved.winner_tie !== undefined;
  const winner = {
    wa: winnerExpression(column("winner_model_a"), type("winner_model_a")),
    wb: winnerExpression(column("winner_model_b"), type("winner_model_b")),
    wt: hasTieColumn ? winnerExpression(column("winner_tie"), type("winner_tie")) : "CAST(0 AS INTEGER)",
  };
  const flags = prompt.variants.flatMap((variant, index) => [`${variant.bad} AS prompt_bad_${index}`, `${variant.empty} AS prompt_empty_${index}`]);
  if (prompt.looksLikeList !== undefined) flags.push(`${prompt.looksLikeList} AS prompt_looks_list`);
  // The prompt as stored in the facts file: a text column as read (which of its readings applies is decided from the
  // first pass), any other type as its one reading.
  const storedPrompt = prompt.looksLikeList !== undefined ? column("prompt") : prompt.variants[0]!.value;
  // The one full read of the input. On one thread DuckDB reads in file order, so the row numbers of the source view
  // are the data rows. (A parallel COPY did not keep the input's order once the projection held these expressions:
  // checked with DuckDB 1.5, the file came out of order.)
  try {
    await session.run(`COPY (SELECT ${SOURCE_ROW_COLUMN} AS source_row, ${model("model_a")} AS model_a, ${model("model_b")} AS model_b,
        CAST(${winner.wa} AS TINYINT) AS wa, CAST(${winner.wb} AS TINYINT) AS wb, CAST(${winner.wt} AS TINYINT) AS wt,
        ${storedPrompt} AS prompt_stored, ${flags.join(", ")}
      FROM ${sourceView}) TO ${sqlString(options.factsPath)} (${FACTS_PARQUET_OPTIONS})`);
  } catch (error) {
    throw options.mapReadError ? options.mapReadError(error) : error;
  }
  const facts = `read_parquet(${sqlString(options.factsPath)})`;
  await session.run(`CREATE OR REPLACE VIEW battle_facts AS SELECT source_row, model_a, model_b, wa, wb, wt FROM ${facts}`);

  const checks = (
    await session.rows(`SELECT
      count(*) AS rows,
      min(source_row) FILTER (WHERE model_a IS NULL OR model_a = '') AS missing_a,
      min(source_row) FILTER (WHERE model_b IS NULL OR model_b = '') AS missing_b,
      ${prompt.variants.map((_, index) => `min(source_row) FILTER (WHERE prompt_bad_${index}) AS bad_prompt_${index}, min(source_row) FILTER (WHERE prompt_empty_${index}) AS empty_prompt_${index},`).join("\n")}
      ${prompt.looksLikeList !== undefined ? "count(prompt_looks_list) AS prompt_values, count(*) FILTER (WHERE prompt_looks_list) AS prompt_lists," : ""}
      min(source_row) FILTER (WHERE wa IS NULL) AS bad_wa,
      min(source_row) FILTER (WHERE wb IS NULL) AS bad_wb,
      min(source_row) FILTER (WHERE wt IS NULL) AS bad_wt,
      min(source_row) FILTER (WHERE model_a = model_b) AS same_model,
      min(source_row) FILTER (WHERE wa = 0 AND wb = 0 AND wt = 0) AS no_outcome
    FROM ${facts}`)
  )[0]!;
  // A text column is read as JSON lists of turns (Arena) when every value looks like one.
  const variant = prompt.looksLikeList !== undefined && Number(checks["prompt_values"]) > 0 && Number(checks["prompt_lists"]) === Number(checks["prompt_values"]) ? 1 : 0;
  if (Number(checks["rows"]) === 0) throw noDataRows(displayPath);
  const promptValue = prompt.looksLikeList !== undefined ? promptVariants({ column: "prompt_stored", type: "VARCHAR", turns: options.promptTurns }).variants[variant]!.value : "prompt_stored";
  await session.run(`CREATE OR REPLACE VIEW battles AS SELECT source_row, model_a, model_b, ${promptValue} AS prompt, wa, wb, wt FROM ${facts}`);

  const at = (key: string): number | undefined => (checks[key] === null || checks[key] === undefined ? undefined : Number(checks[key]));
  const raw = async (row: number, name: BattleColumn): Promise<string> => {
    const rows = await session.rows(`SELECT CAST(${column(name)} AS VARCHAR) AS v FROM ${sourceView} WHERE ${SOURCE_ROW_COLUMN} = ${row}`);
    const value = rows[0]?.["v"];
    return value === null || value === undefined ? "null" : JSON.stringify(String(value).slice(0, 80));
  };
  const fail = (row: number, name: BattleColumn, code: string, message: string, hint: string): never => {
    throw new MufflerError(message, { code, file: displayPath, row, column: resolved[name]!, hint });
  };

  for (const name of ["model_a", "model_b"] as const) {
    const row = at(name === "model_a" ? "missing_a" : "missing_b");
    if (row !== undefined) fail(row, name, DATA_ERROR_CODES.missingValue, "the model name is missing.", "Every battle needs both model names.");
  }
  let row = at(`bad_prompt_${variant}`);
  if (row !== undefined) {
    fail(row, "prompt", DATA_ERROR_CODES.promptNotString, `the prompt is not a string (found ${await raw(row, "prompt")}).`, "Prompts must be text, or a JSON list of text turns as in Arena data.");
  }
  row = at(`empty_prompt_${variant}`);
  if (row !== undefined) fail(row, "prompt", DATA_ERROR_CODES.emptyPrompt, "the prompt is empty.", "Remove the row or give it a prompt.");
  for (const [key, name] of [["bad_wa", "winner_model_a"], ["bad_wb", "winner_model_b"], ["bad_wt", "winner_tie"]] as const) {
    row = at(key);
    if (row !== undefined) fail(row, name, DATA_ERROR_CODES.badWinner, `expected 0 or 1 (or true/false), found ${await raw(row, name)}.`, "Winner columns hold 0/1 flags: exactly one of winner_model_a, winner_model_b, winner_tie is 1.");
  }
  row = at("same_model");
  if (row !== undefined) {
    fail(row, "model_b", DATA_ERROR_CODES.sameModel, `model_a and model_b are the same model (${await raw(row, "model_a")}).`, "A battle compares two different models; remove the row.");
  }
  row = at("no_outcome");
  if (row !== undefined) {
    const message = hasTieColumn
      ? "winner_model_a, winner_model_b and the tie column are all 0: the battle has no outcome."
      : "winner_model_a and winner_model_b are both 0 and there is no tie column: the battle has no outcome.";
    fail(row, "winner_model_a", DATA_ERROR_CODES.noOutcome, message, hasTieColumn ? "Set exactly one of the three to 1." : "Add a winner_tie (or tie_ab) column, or set one winner to 1.");
  }
  return { hasTieColumn, rows: Number(checks["rows"]) };
}

function resolveColumns(columns: ColumnInfo[], columnMap: Record<string, string>, displayPath: string): Partial<Record<BattleColumn, string>> {
  const names = columns.map((column) => column.name);
  const resolved: Partial<Record<BattleColumn, string>> = {};
  for (const [standard, fileColumn] of Object.entries(columnMap)) {
    if (!(BATTLE_COLUMNS as readonly string[]).includes(standard)) {
      throw new MufflerError(`the column mapping "${standard}=${fileColumn}" maps to "${standard}", which is not a battle column.`, {
        code: DATA_ERROR_CODES.badColumnMap,
        file: displayPath,
        field: "columnMap",
        hint: `Map Muffler's names (${BATTLE_COLUMNS.join(", ")}) to your file's columns: --column-map prompt=question,model_a=left.`,
      });
    }
    if (!names.includes(fileColumn)) {
      throw new MufflerError(`the column mapping "${standard}=${fileColumn}" names column "${fileColumn}", which the file does not have (it has: ${names.join(", ")}).`, {
        code: DATA_ERROR_CODES.badColumnMap,
        file: displayPath,
        column: fileColumn,
        hint: "Fix the column name in --column-map (names are case-sensitive).",
      });
    }
    resolved[standard as BattleColumn] = fileColumn;
  }
  const find = (candidate: string): string | undefined => names.find((name) => name === candidate) ?? names.find((name) => name.toLowerCase() === candidate.toLowerCase());
  for (const standard of BATTLE_COLUMNS) {
    if (resolved[standard] !== undefined) continue;
    const candidates = standard === "winner_tie" ? TIE_ALIASES : [standard];
    for (const candidate of candidates) {
      const found = find(candidate);
      if (found !== undefined) {
        resolved[standard] = found;
        break;
      }
    }
  }
  const missing = REQUIRED.filter((name) => resolved[name] === undefined);
  if (missing.length > 0) {
    throw new MufflerError(`missing column${missing.length > 1 ? "s" : ""} ${missing.map((name) => `"${name}"`).join(", ")} (the file has: ${names.join(", ")}).`, {
      code: DATA_ERROR_CODES.missingColumns,
      file: displayPath,
      column: missing[0]!,
      hint: "Rename the columns, or map them with --column-map model_a=<your column>,... (columnMap in the API).",
    });
  }
  return resolved;
}

/** SQL for a winner flag as 0/1, NULL when the value is not a 0/1 flag. */
function winnerExpression(column: string, type: string): string {
  // The exact '0' / '1' first (nearly every value), the slower spellings only for the rest.
  const text = (value: string) =>
    `CASE ${value} WHEN '1' THEN 1 WHEN '0' THEN 0 ELSE CASE lower(trim(${value})) WHEN '1' THEN 1 WHEN '0' THEN 0 WHEN 'true' THEN 1 WHEN 'false' THEN 0 WHEN '1.0' THEN 1 WHEN '0.0' THEN 0 END END`;
  if (type === "BOOLEAN") return `CAST(${column} AS INTEGER)`;
  if (/^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|FLOAT|DOUBLE|REAL|DECIMAL.*)$/i.test(type)) return `CASE WHEN ${column} = 1 THEN 1 WHEN ${column} = 0 THEN 0 END`;
  if (type === "VARCHAR") return text(column);
  if (type === "JSON") return text(`CAST(${column} AS VARCHAR)`);
  return "CAST(NULL AS INTEGER)";
}

/** SQL for "the text is empty or only whitespace" (NULL counts as empty); the regular expression only where needed. */
function isEmptyText(value: string): string {
  return `CASE WHEN ${value} IS NULL OR ${value} = '' THEN TRUE WHEN ascii(${value}) IN (9, 10, 11, 12, 13, 32) THEN regexp_full_match(${value}, '\\s*') ELSE FALSE END`;
}

/** One reading of the prompt column: its text, and per row whether it is not a prompt at all (`bad`) or empty. */
interface PromptVariant {
  value: string;
  bad: string;
  empty: string;
}

/**
 * The readings of the prompt column, by its type. A text column has two, chosen after the first pass: plain text, or
 * (when every value looks like one, `looksLikeList`) JSON lists of turns as in Arena data.
 */
function promptVariants(options: { column: string; type: string; turns: PromptTurns }): { variants: PromptVariant[]; looksLikeList?: string } {
  const { column, type, turns } = options;
  const fromJsonList = (json: string) =>
    turns === "first" ? `json_extract_string(${json}, '$[0]')` : `array_to_string(list_filter(json_extract_string(${json}, '$[*]'), turn -> turn IS NOT NULL), '\n\n')`;
  const variant = (value: string, ok: string): PromptVariant => ({ value, bad: `NOT (${ok})`, empty: `CASE WHEN ${ok} THEN ${isEmptyText(value)} ELSE FALSE END` });
  if (type === "VARCHAR") {
    const isList = `(json_valid(${column}) AND json_type(${column}) = 'ARRAY')`;
    // starts_with(ltrim(value), '['), with the first character deciding the common cases cheaply (ltrim trims the
    // space and some non-ASCII spaces, so every other ASCII first character decides alone).
    const looks = `CASE WHEN ${column} IS NULL THEN NULL WHEN ascii(${column}) = 91 THEN TRUE WHEN ascii(${column}) < 128 AND ascii(${column}) <> 32 THEN FALSE ELSE starts_with(ltrim(${column}), '[') END`;
    const listValue = `CASE WHEN ${isList} THEN ${fromJsonList(column)} END`;
    return {
      variants: [
        { value: column, bad: "FALSE", empty: isEmptyText(column) },
        {
          value: listValue,
          // Only rows that look like lists are checked in the first pass: the list reading is used only when all do.
          bad: `CASE WHEN ${column} IS NULL THEN FALSE WHEN ${looks} THEN NOT ${isList} END`,
          empty: `CASE WHEN ${column} IS NULL THEN TRUE WHEN ${looks} THEN (CASE WHEN ${isList} THEN ${isEmptyText(listValue)} ELSE FALSE END) END`,
        },
      ],
      looksLikeList: looks,
    };
  }
  if (type === "JSON") {
    return {
      variants: [
        variant(
          `CASE json_type(${column}) WHEN 'VARCHAR' THEN json_extract_string(${column}, '$') WHEN 'ARRAY' THEN ${fromJsonList(column)} END`,
          `(${column} IS NULL OR json_type(${column}) IN ('VARCHAR', 'ARRAY', 'NULL'))`,
        ),
      ],
    };
  }
  if (type === "VARCHAR[]") {
    return { variants: [variant(turns === "first" ? `${column}[1]` : `array_to_string(list_filter(${column}, turn -> turn IS NOT NULL), '\n\n')`, "TRUE")] };
  }
  return { variants: [variant("CAST(NULL AS VARCHAR)", `(${column} IS NULL)`)] };
}
