/**
 * The stable error codes of `@muffler/data`. A code never changes meaning; messages may be reworded.
 * Every one is `kind: "input"` (CLI exit code 1) except `data/internal`.
 */
export const DATA_ERROR_CODES = {
  /** The input file or folder does not exist. */
  missingFile: "data/missing-file",
  /** The file's extension names no format Muffler reads (csv, tsv, jsonl, ndjson, json, parquet). */
  unknownFormat: "data/unknown-format",
  /** The file is empty, or has a header and no data rows. */
  emptyFile: "data/empty-file",
  /** Required columns are missing (after the column mapping). */
  missingColumns: "data/missing-columns",
  /** A column mapping names a column that the file does not have, or is malformed. */
  badColumnMap: "data/bad-column-map",
  /** A prompt is not a string (or a list of string turns). */
  promptNotString: "data/prompt-not-string",
  /** A prompt is empty or only whitespace. */
  emptyPrompt: "data/empty-prompt",
  /** A winner column holds something other than 0/1 (or true/false). */
  badWinner: "data/bad-winner",
  /** A row has no outcome: both winner columns are 0 and there is no tie column (or it is 0 too). */
  noOutcome: "data/no-outcome",
  /** A model name is missing (null or empty). */
  missingValue: "data/missing-value",
  /** A row's `model_a` equals its `model_b`. */
  sameModel: "data/same-model",
  /** The strong or the weak model does not occur in the data. */
  modelNotFound: "data/model-not-found",
  /** An option is out of range or inconsistent (split ratio outside (0, 1), strong equal to weak, ...). */
  badOption: "data/bad-option",
  /** Gold battles of the given benchmark rows are all ties and the tie policy drops them: nothing to train on. */
  noBattles: "data/no-battles",
  /** Filtering left too few rows to make both splits. */
  tooFewRows: "data/too-few-rows",
  /** The file could not be parsed (corrupted parquet, malformed JSON or CSV). */
  corruptFile: "data/corrupt-file",
  /** A CSV/TSV field opens a quote that never closes, or text follows a closing quote (the row where the quote opens). */
  unclosedQuote: "data/unclosed-quote",
  /** A CSV/TSV row has more or fewer fields than the header. */
  wrongFieldCount: "data/wrong-field-count",
  /** The file's header names a column twice (`prompt,prompt`): which one is meant is unknown. */
  duplicateColumns: "data/duplicate-columns",
  /** A CSV file is not UTF-8. */
  notUtf8: "data/not-utf8",
  /** A benchmark correctness column holds something other than a boolean (True/False, 0/1). */
  benchmarkNotBoolean: "data/benchmark-not-boolean",
  /** A benchmark file or folder has an unexpected layout or content. */
  badBenchmark: "data/bad-benchmark",
  /** The run directory holds no prepared dataset (or a manifest that does not validate). */
  missingDataset: "data/missing-dataset",
  /** A Hugging Face id is malformed, or the hub could not serve it. */
  hubError: "data/hub-error",
  /** Offline mode and the dataset is not in the local Hugging Face cache. */
  hubOffline: "data/hub-offline",
  /** Priced benchmark: a model of `models.json` has no column in `scores.csv` / `costs.csv`, or a column names no model of `models.json`. */
  missingModelColumn: "data/missing-model-column",
  /** Priced benchmark: a cost cell is missing, not a number, negative or infinite. */
  badCost: "data/bad-cost",
  /** Priced benchmark: a score cell is missing, not a number or infinite. */
  badScore: "data/bad-score",
  /** Priced benchmark: the query ids of `queries.jsonl`, `scores.csv` and `costs.csv` are not the same set (or one repeats). */
  idMismatch: "data/id-mismatch",
  /** Priced benchmark: `models.json` is not a list of models with a name and per-token prices. */
  badModelsFile: "data/bad-models-file",
  /** A failure inside Muffler or DuckDB that is not the input's fault. */
  internal: "data/internal",
} as const;

export type DataErrorCode = (typeof DATA_ERROR_CODES)[keyof typeof DATA_ERROR_CODES];

declare module "@muffler/core" {
  interface MufflerErrorCodes {
    data: DataErrorCode;
  }
}
