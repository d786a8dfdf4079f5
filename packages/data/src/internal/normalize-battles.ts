import { BLANK_CHARACTER_CLASS, MufflerError } from "@muffler/core";
import { BATTLE_COLUMNS, type BattleColumn } from "../battle-columns.ts";
import { DATA_ERROR_CODES, type DataErrorCode } from "../errors.ts";
import type { PromptTurns } from "../prompt-turns.ts";
import { type DuckDbSession, sqlIdentifier, sqlString } from "./duckdb-session.ts";
import type { ColumnInfo } from "./load-table.ts";

const REQUIRED: BattleColumn[] = ["model_a", "model_b", "prompt", "winner_model_a", "winner_model_b"];
const TIE_ALIASES = ["winner_tie", "tie_ab", "tie"];


/**
 * Builds the view `battles(source_row, model_a, model_b, prompt, wa, wb, wt)` over a loaded table, resolving the
 * column mapping, extracting prompts from turn lists and normalizing the winner columns to 0/1, then validates every
 * row. Throws on the first bad row with its file row and column.
 */
export async function normalizeBattles(
  session: DuckDbSession,
  options: {
    sourceTable: string;
    columns: ColumnInfo[];
    displayPath: string;
    columnMap?: Record<string, string> | undefined;
    promptTurns: PromptTurns;
    modelAliases?: Record<string, string> | undefined;
  },
): Promise<{ hasTieColumn: boolean }> {
  const { sourceTable, columns, displayPath } = options;
  const resolved = resolveColumns(columns, options.columnMap ?? {}, displayPath);
  const type = (name: BattleColumn): string => columns.find((column) => column.name === resolved[name])!.type;
  const column = (name: BattleColumn): string => sqlIdentifier(resolved[name]!);

  const prompt = await promptExpressions(session, { sourceTable, column: column("prompt"), type: type("prompt"), turns: options.promptTurns });
  const model = (name: "model_a" | "model_b"): string => {
    const text = `CAST(${column(name)} AS VARCHAR)`;
    const aliases = Object.entries(options.modelAliases ?? {});
    if (aliases.length === 0) return text;
    return `CASE ${text} ${aliases.map(([from, to]) => `WHEN ${sqlString(from)} THEN ${sqlString(to)}`).join(" ")} ELSE ${text} END`;
  };
  const hasTieColumn = resolved.winner_tie !== undefined;
  // A view, not a table: later steps read through it, so the prompts are never copied before the final write.
  await session.run(`CREATE OR REPLACE VIEW battles AS SELECT
      CAST(rowid + 1 AS BIGINT) AS source_row,
      ${model("model_a")} AS model_a,
      ${model("model_b")} AS model_b,
      ${prompt.value} AS prompt,
      ${prompt.ok} AS prompt_ok,
      ${winnerExpression(column("winner_model_a"), type("winner_model_a"))} AS wa,
      ${winnerExpression(column("winner_model_b"), type("winner_model_b"))} AS wb,
      ${hasTieColumn ? winnerExpression(column("winner_tie"), type("winner_tie")) : "CAST(0 AS INTEGER)"} AS wt
    FROM ${sourceTable}`);

  const checks = (
    await session.rows(`SELECT
      min(source_row) FILTER (WHERE model_a IS NULL OR model_a = '') AS missing_a,
      min(source_row) FILTER (WHERE model_b IS NULL OR model_b = '') AS missing_b,
      min(source_row) FILTER (WHERE NOT prompt_ok) AS bad_prompt,
      min(source_row) FILTER (WHERE prompt_ok AND (prompt IS NULL OR regexp_full_match(prompt, ${sqlString(`${BLANK_CHARACTER_CLASS}*`)}))) AS empty_prompt,
      min(source_row) FILTER (WHERE wa IS NULL) AS bad_wa,
      min(source_row) FILTER (WHERE wb IS NULL) AS bad_wb,
      min(source_row) FILTER (WHERE wt IS NULL) AS bad_wt,
      min(source_row) FILTER (WHERE model_a = model_b) AS same_model,
      min(source_row) FILTER (WHERE wa = 0 AND wb = 0 AND wt = 0) AS no_outcome
    FROM battles`)
  )[0]!;
  const at = (key: string): number | undefined => (checks[key] === null || checks[key] === undefined ? undefined : Number(checks[key]));
  const raw = async (row: number, name: BattleColumn): Promise<string> => {
    const rows = await session.rows(`SELECT CAST(${column(name)} AS VARCHAR) AS v FROM ${sourceTable} WHERE rowid = ${row - 1}`);
    const value = rows[0]?.["v"];
    return value === null || value === undefined ? "null" : JSON.stringify(String(value).slice(0, 80));
  };
  const fail = (row: number, name: BattleColumn, code: DataErrorCode, message: string, hint: string): never => {
    throw new MufflerError(message, { code, file: displayPath, row, column: resolved[name]!, hint });
  };

  for (const name of ["model_a", "model_b"] as const) {
    const row = at(name === "model_a" ? "missing_a" : "missing_b");
    if (row !== undefined) fail(row, name, DATA_ERROR_CODES.missingValue, "the model name is missing.", "Every battle needs both model names.");
  }
  let row = at("bad_prompt");
  if (row !== undefined) {
    fail(row, "prompt", DATA_ERROR_CODES.promptNotString, `the prompt is not a string (found ${await raw(row, "prompt")}).`, "Prompts must be text, or a JSON list of text turns as in Arena data ([\"first turn\", \"second turn\"]).");
  }
  row = at("empty_prompt");
  if (row !== undefined) fail(row, "prompt", DATA_ERROR_CODES.emptyPrompt, `the prompt is empty or only whitespace (found ${await raw(row, "prompt")}).`, "Remove the row or give it a prompt (Unicode spaces such as U+00A0 count as whitespace).");
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
  return { hasTieColumn };
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

/** SQL for the prompt text and for "the prompt is a string (or a list of string turns)", by the column's type. */
async function promptExpressions(
  session: DuckDbSession,
  options: { sourceTable: string; column: string; type: string; turns: PromptTurns },
): Promise<{ value: string; ok: string }> {
  const { column, type, turns } = options;
  const fromJsonList = (json: string) =>
    turns === "first" ? `json_extract_string(${json}, '$[0]')` : `array_to_string(list_filter(json_extract_string(${json}, '$[*]'), turn -> turn IS NOT NULL), '\n\n')`;
  // A JSON list of turns is a prompt only when it is valid JSON and every turn is a string (null turns are skipped).
  // CASE, not AND: DuckDB evaluates both sides of an AND, and json_type fails on malformed JSON.
  const turnsAreText = (json: string) => `coalesce(list_bool_and(list_transform(json_type(${json}, '$[*]'), turn -> turn IN ('VARCHAR', 'NULL'))), TRUE)`;
  if (type === "VARCHAR") {
    // Arena stores each prompt as a JSON list of turns: treat the column so when every value looks like one.
    const looks = (await session.rows(`SELECT count(${column}) AS total, count(*) FILTER (WHERE starts_with(ltrim(${column}), '[')) AS lists FROM ${options.sourceTable}`))[0]!;
    if (Number(looks["lists"]) < Number(looks["total"]) || Number(looks["total"]) === 0) return { value: column, ok: "TRUE" };
    const isTextList = `CASE WHEN json_valid(${column}) THEN (CASE WHEN json_type(${column}) = 'ARRAY' THEN ${turnsAreText(column)} ELSE FALSE END) ELSE FALSE END`;
    return {
      value: `CASE WHEN ${isTextList} THEN ${fromJsonList(column)} END`,
      ok: `(${column} IS NULL OR ${isTextList})`,
    };
  }
  if (type === "JSON") {
    return {
      value: `CASE json_type(${column}) WHEN 'VARCHAR' THEN json_extract_string(${column}, '$') WHEN 'ARRAY' THEN (CASE WHEN ${turnsAreText(column)} THEN ${fromJsonList(column)} END) END`,
      ok: `(${column} IS NULL OR json_type(${column}) IN ('VARCHAR', 'NULL') OR (json_type(${column}) = 'ARRAY' AND ${turnsAreText(column)}))`,
    };
  }
  if (type === "VARCHAR[]") {
    return {
      value: turns === "first" ? `${column}[1]` : `array_to_string(list_filter(${column}, turn -> turn IS NOT NULL), '\n\n')`,
      ok: "TRUE",
    };
  }
  return { value: "CAST(NULL AS VARCHAR)", ok: `(${column} IS NULL)` };
}
