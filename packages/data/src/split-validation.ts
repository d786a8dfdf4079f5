import { MufflerError, SeededRandom } from "@muffler/core";
import { DATA_ERROR_CODES } from "./errors.ts";
import type { PreparedBattles } from "./read-prepared-battles.ts";

/** The share of the train split's battles carved off as the validation split. @default 0.05 */
export const DEFAULT_VALIDATION_RATIO = 0.05;

/** Options of {@link splitValidation}. */
export interface SplitValidationOptions {
  /** The train split (as `readPreparedBattles(run, "train")` gives it). */
  battles: PreparedBattles;
  /** Share of the battles that go to validation, in (0, 1). @default DEFAULT_VALIDATION_RATIO (0.05) */
  validationRatio?: number;
  /** Seed of the shuffle of the distinct prompts. @default 0 */
  seed?: number;
}

/** The train split cut in two by prompt; both parts keep the train split's `prompts` (and so its embeddings rows). */
export interface ValidationSplit {
  train: PreparedBattles;
  validation: PreparedBattles;
}

/**
 * Carves a seeded validation split out of the train split, by PROMPT TEXT: the distinct prompts are shuffled and
 * dealt to validation until it holds at least `ceil(validationRatio * battles)` battles, so one prompt (repeated in
 * the data, or repeated by RMOTE's oversampling) never sits on both sides. The validation split chooses the best epoch
 * and drives early stopping; the test split stays for calibration and reporting only.
 * @throws MufflerError `data/bad-option` (ratio outside (0, 1)), `data/too-few-rows` (fewer than 2 distinct prompts)
 */
export function splitValidation(options: SplitValidationOptions): ValidationSplit {
  const { battles } = options;
  const ratio = options.validationRatio ?? DEFAULT_VALIDATION_RATIO;
  if (!(ratio > 0 && ratio < 1)) {
    throw new MufflerError(`the validation ratio must be between 0 and 1 (exclusive), got ${ratio}.`, { code: DATA_ERROR_CODES.badOption, field: "validationRatio" });
  }
  const n = battles.promptIndices.length;
  const textOf = (i: number) => battles.prompts[battles.promptIndices[i]!]!;
  const battlesOfText = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const text = textOf(i);
    const list = battlesOfText.get(text);
    if (list === undefined) battlesOfText.set(text, [i]);
    else list.push(i);
  }
  const texts = [...battlesOfText.keys()];
  if (texts.length < 2) {
    throw new MufflerError(`the train split has ${texts.length} distinct prompt${texts.length === 1 ? "" : "s"}; a validation split needs 2 or more.`, {
      code: DATA_ERROR_CODES.tooFewRows,
      field: "validationRatio",
      hint: "Prepare more battles.",
    });
  }
  const target = Math.ceil(Number((ratio * n).toFixed(9)));
  const inValidation = new Uint8Array(n);
  let taken = 0;
  const order = new SeededRandom(options.seed ?? 0).permutation(texts.length);
  for (let position = 0; position < order.length - 1 && taken < target; position++) {
    for (const i of battlesOfText.get(texts[order[position]!]!)!) {
      inValidation[i] = 1;
      taken++;
    }
  }
  const pick = (wanted: number): PreparedBattles => {
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (inValidation[i] === wanted) rows.push(i);
    return {
      prompts: battles.prompts,
      winnerIds: Int32Array.from(rows, (i) => battles.winnerIds[i]!),
      loserIds: Int32Array.from(rows, (i) => battles.loserIds[i]!),
      promptIndices: Int32Array.from(rows, (i) => battles.promptIndices[i]!),
    };
  };
  return { train: pick(0), validation: pick(1) };
}
