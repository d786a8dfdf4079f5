import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseJsonLines } from "@muffler/core";
import { TRAINING_ERROR_CODES, type BattleIndex } from "../src/index.ts";

/** The baseline every AlpacaEval 2.0 judgment in ../shared/data/alpaca-eval compares against (SOURCE.md). */
export const ALPACA_EVAL_BASELINE = "gpt4_1106_preview";

export interface AlpacaEvalBattles {
  /** Sorted model names; ids index them. */
  models: string[];
  battles: BattleIndex;
  /** The 805 instructions; `battles.promptIndices` index them. */
  prompts: string[];
  /** Judgments read, and those dropped (draws, no usable answer, the baseline against itself). */
  judgments: number;
  dropped: number;
}

/**
 * The battles of every model against gpt4_1106_preview in AlpacaEval's judgments (`battles.csv`, all judge
 * configurations with that baseline), winner first: preference above 1.5 is a win of generator_2, below 1.5 of the
 * baseline (the weighted judge's fractional preferences by their side of 1.5); 1.5, 0 and empty are draws and dropped.
 */
export async function loadAlpacaEvalBattles(folder: string): Promise<AlpacaEvalBattles> {
  const csv = await readFile(join(folder, "battles.csv"), "utf8");
  const lines = csv.split("\n").filter((line) => line.length > 0);
  const header = lines[0]!.split(",");
  const column = (name: string) => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`${folder}/battles.csv has no column ${name}.`);
    return index;
  };
  const [instruction, baseline, other, preference] = ["instruction_id", "generator_1", "generator_2", "preference"].map(column) as [number, number, number, number];
  const rows: { winner: string; loser: string; prompt: number }[] = [];
  let judgments = 0;
  for (let row = 1; row < lines.length; row++) {
    const fields = lines[row]!.split(",");
    if (fields.length !== header.length) throw new Error(`${folder}/battles.csv row ${row + 1} has ${fields.length} fields, not ${header.length}.`);
    if (fields[baseline] !== ALPACA_EVAL_BASELINE) continue;
    judgments++;
    const value = fields[preference] === "" ? Number.NaN : Number(fields[preference]);
    const model = fields[other]!;
    if (model === ALPACA_EVAL_BASELINE || !(value > 1.5 || (value >= 1 && value < 1.5))) continue;
    const otherWins = value > 1.5;
    rows.push({ winner: otherWins ? model : ALPACA_EVAL_BASELINE, loser: otherWins ? ALPACA_EVAL_BASELINE : model, prompt: Number(fields[instruction]) });
  }
  const models = [...new Set(rows.flatMap((row) => [row.winner, row.loser]))].sort();
  const id = new Map(models.map((name, index) => [name, index]));
  const file = join(folder, "instructions.jsonl");
  const prompts: string[] = [];
  for (const line of parseJsonLines(await readFile(file, "utf8"), { file, code: TRAINING_ERROR_CODES.invalidData })) {
    const item = line.value as { instruction_id: number; instruction: string };
    prompts[item.instruction_id] = item.instruction;
  }
  return {
    models,
    battles: {
      winnerIds: Int32Array.from(rows, (row) => id.get(row.winner)!),
      loserIds: Int32Array.from(rows, (row) => id.get(row.loser)!),
      promptIndices: Int32Array.from(rows, (row) => row.prompt),
    },
    prompts,
    judgments,
    dropped: judgments - rows.length,
  };
}
