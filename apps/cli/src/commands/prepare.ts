import { MufflerError } from "@muffler/core";
import { DATA_ERROR_CODES, GOLD_BATTLE_DEFAULTS, TIE_POLICIES, type PrepareDatasetResult, type TiePolicy } from "@muffler/data";
import { Command, Option } from "commander";
import { formatTable, printResult } from "../cli-output.ts";
import { parseNumberFlag } from "../parse-flags.ts";
import { createProgressBar } from "../progress-bar.ts";

interface PrepareFlags {
  input?: string;
  benchmark?: string;
  run: string;
  strong?: string;
  weak?: string;
  alias?: string;
  tiePolicy?: TiePolicy;
  passingScore?: string;
  splitRatio?: string;
  shuffle: boolean;
  stratify?: boolean;
  seed?: string;
  balance?: boolean;
  columnMap?: string;
  allTurns?: boolean;
  dedupe?: boolean;
  excludeBenchmark: string[];
  revision?: string;
  offline?: boolean;
  hubUrl?: string;
  cacheDir?: string;
  json?: boolean;
}

/** Parses `a=b,c=d` into `{ a: "b", c: "d" }`; a name given twice is an error (no silent "last wins"). */
export function parsePairs(text: string | undefined, field: string): Record<string, string> {
  if (text === undefined || text.trim() === "") return {};
  const pairs: Record<string, string> = {};
  for (const entry of text.split(",")) {
    const at = entry.indexOf("=");
    if (at <= 0 || at === entry.length - 1) {
      throw new MufflerError(`"${entry}" is not of the form name=value.`, {
        code: field === "--column-map" ? "data/bad-column-map" : "data/bad-option",
        field,
        hint: `Write ${field} name=value,name=value.`,
      });
    }
    const name = entry.slice(0, at).trim();
    if (Object.hasOwn(pairs, name)) {
      throw new MufflerError(`"${name}" is given twice (${name}=${pairs[name]} and ${entry.trim()}): which one is meant is unknown.`, {
        code: field === "--column-map" ? "data/bad-column-map" : "data/bad-option",
        field,
        hint: `Give each name once in ${field}.`,
      });
    }
    pairs[name] = entry.slice(at + 1).trim();
  }
  return pairs;
}

/** `muffler prepare`: battles or a benchmark in, a prepared dataset in a run directory out. */
export function prepareCommand(): Command {
  return new Command("prepare")
    .description("Prepare battles (or a benchmark's gold battles) into train/test splits in a run directory.")
    .option("--input <file|hf:id>", "battles: a .csv/.tsv/.jsonl/.json/.parquet file, a folder of them, or hf:owner/name[/path]")
    .option("--benchmark <path>", "gold battles from a RouteLLM benchmark (MMLU folder, GSM8K CSV, MT-Bench judgements) instead of --input")
    .requiredOption("--run <dir>", "the run directory (the dataset goes to <dir>/dataset/)")
    .option("--strong <model>", "the strong model: keep only its battles with --weak, oriented strong first")
    .option("--weak <model>", "the weak model")
    .option("--alias <from=to,...>", "rename models before anything else (e.g. mixtral-8x7b-instruct-v0.1=mistralai/Mixtral-8x7B-Instruct-v0.1)")
    .addOption(new Option("--tie-policy <policy>", `what a tie becomes (default: drop; ${GOLD_BATTLE_DEFAULTS.tiePolicy} for --benchmark)`).choices(TIE_POLICIES))
    .option("--passing-score <x>", `--benchmark: equal scores at or above this are a weak win, not a tie (default ${GOLD_BATTLE_DEFAULTS.passingScore}; RouteLLM's labels: --tie-policy drop --passing-score 1)`)
    .option("--split-ratio <ratio>", "share of battles in the train split, in (0, 1) (default 0.95)")
    .option("--shuffle", "shuffle (seeded) before splitting (the default)", true)
    .option("--file-order", "split in file order, like the seed (no shuffle)")
    .option("--stratify", "split each label separately so both splits keep the label ratios")
    .option("--seed <n>", "seed of the shuffle and of the balancing (default 0)")
    .option("--balance", "RMOTE-balance the train split (never the test split)")
    .option("--column-map <name=column,...>", "map Muffler's column names to the file's (model_a, model_b, prompt, winner_model_a, winner_model_b, winner_tie)")
    .option("--all-turns", "keep all turns of multi-turn prompts (joined by a blank line), not only the first")
    .option("--dedupe", "drop exact duplicate battles (same models, prompt and outcome)")
    .option("--exclude-benchmark <path>", "drop battles whose prompt is in this benchmark (repeatable)", (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option("--revision <rev>", "hf: inputs: branch, tag or commit (default main)")
    .option("--offline", "hf: inputs: use only the local Hugging Face cache")
    .option("--hub-url <url>", "hf: inputs: the hub's base URL")
    .option("--cache-dir <dir>", "hf: inputs: the Hugging Face cache directory")
    .option("--json", "print the result as JSON")
    .action(async (flags: PrepareFlags & { fileOrder?: boolean }) => {
      // Loaded here, not at the top: DuckDB's native library is only worth loading for this command.
      const { prepareDataset } = await import("@muffler/data");
      const passingScore = parseNumberFlag(flags.passingScore, "--passing-score", { allowInfinity: true, code: DATA_ERROR_CODES.badOption });
      const splitRatio = parseNumberFlag(flags.splitRatio, "--split-ratio", { code: DATA_ERROR_CODES.badOption });
      const seed = parseNumberFlag(flags.seed, "--seed", { integer: true, code: DATA_ERROR_CODES.badOption });
      const bar = createProgressBar({ enabled: !flags.json });
      let result: PrepareDatasetResult;
      try {
        result = await prepareDataset({
          ...(flags.input !== undefined && { input: flags.input }),
          ...(flags.benchmark !== undefined && { benchmark: flags.benchmark }),
          runDirectory: flags.run,
          ...(flags.strong !== undefined && { strongModel: flags.strong }),
          ...(flags.weak !== undefined && { weakModel: flags.weak }),
          modelAliases: parsePairs(flags.alias, "--alias"),
          ...(flags.tiePolicy !== undefined && { tiePolicy: flags.tiePolicy }),
          ...(passingScore !== undefined && { goldPassingScore: passingScore }),
          ...(splitRatio !== undefined && { splitRatio }),
          shuffle: !flags.fileOrder,
          stratify: flags.stratify ?? false,
          ...(seed !== undefined && { seed }),
          balance: flags.balance ?? false,
          columnMap: parsePairs(flags.columnMap, "--column-map"),
          promptTurns: flags.allTurns ? "all" : "first",
          dedupe: flags.dedupe ?? false,
          excludeBenchmarks: flags.excludeBenchmark,
          hub: {
            ...(flags.revision !== undefined && { revision: flags.revision }),
            ...(flags.offline !== undefined && { offline: flags.offline }),
            ...(flags.hubUrl !== undefined && { hubUrl: flags.hubUrl }),
            ...(flags.cacheDir !== undefined && { cacheDirectory: flags.cacheDir }),
          },
          onProgress: bar.onProgress,
        });
      } finally {
        bar.finish();
      }
      printResult(flags, result, () => summary(result));
    });
}

function percent(value: number | undefined): string {
  return `${((value ?? 0) * 100).toFixed(2)}%`;
}

/** The seed's summary: shapes, model ids, and the share of each label per split. */
function summary(result: PrepareDatasetResult): string {
  const { manifest, inputShape, paths } = result;
  const counts = manifest.counts;
  const a = manifest.strongModel ? `model_a wins (strong)` : "model_a wins";
  const b = manifest.weakModel ? `model_b wins (weak)` : "model_b wins";
  const rows: (string | number)[][] = [
    ["train", manifest.rows.train, percent(manifest.labelRatios.train["model_a"]), percent(manifest.labelRatios.train["model_b"])],
    ["test", manifest.rows.test, percent(manifest.labelRatios.test["model_a"]), percent(manifest.labelRatios.test["model_b"])],
  ];
  if (manifest.rows.trainBalanced !== undefined) {
    rows.push(["train (balanced)", manifest.rows.trainBalanced, percent(manifest.balancedLabelRatios?.["model_a"]), percent(manifest.balancedLabelRatios?.["model_b"])]);
  }
  const lines = [
    `Prepared ${paths.root} from ${String(manifest.options["input"])}`,
    `input: ${inputShape.rows.toLocaleString("en-US")} rows x ${inputShape.columns} columns`,
  ];
  if (counts) {
    lines.push(
      `kept: ${counts.kept.toLocaleString("en-US")} battles (dropped: ${counts.otherModels} of other models, ${counts.tiesDropped} ties, ${counts.duplicates} duplicates, ${counts.contaminated} contaminated; ${counts.tiesResolved} ties resolved by "${String(manifest.options["tiePolicy"])}")`,
    );
  }
  lines.push(`models: ${manifest.models.map((name, id) => `${id} = ${name}`).join(", ")}${manifest.strongModel ? ` (strong: ${manifest.strongModel}, weak: ${manifest.weakModel})` : ""}`);
  lines.push("", formatTable(["split", "rows", a, b], rows));
  return lines.join("\n");
}
