import { MufflerError } from "@muffler/core";
import { DATASETS_ERROR_CODES, listDatasetCards, readDatasetCard, writeSyntheticDataset } from "@muffler/datasets";
import { Command, Option } from "commander";
import { formatTable, printResult } from "../cli-output.ts";
import { createProgressBar } from "../progress-bar.ts";

function nonNegativeInteger(text: string, flag: string, minimum: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum) {
    throw new MufflerError(`${flag} must be an integer of at least ${minimum}, got "${text}".`, { code: DATASETS_ERROR_CODES.badOption, field: flag });
  }
  return value;
}

/** `muffler datasets`: the synthetic generator and the dataset cards. */
export function datasetsCommand(): Command {
  const command = new Command("datasets").description("Synthetic datasets and the cards of the real datasets.");
  command
    .command("synth")
    .description("Write a SYNTHETIC battle dataset, a matching benchmark (RouteLLM format) and its card.")
    .requiredOption("--out <dir>", "the folder to write into")
    .option("--battles <n>", "how many battles", "20000")
    .option("--seed <n>", "the seed", "0")
    .option("--benchmark-prompts <n>", "how many benchmark questions", "1000")
    .addOption(new Option("--format <format>", "the battles' file format").choices(["csv", "jsonl"]).default("csv"))
    .option("--no-metadata", "leave out the family and difficulty columns")
    .option("--json", "print the result as JSON")
    .action(async (flags: { out: string; battles: string; seed: string; benchmarkPrompts: string; format: "csv" | "jsonl"; metadata: boolean; json?: boolean }) => {
      const bar = createProgressBar({ enabled: !flags.json });
      try {
        const files = await writeSyntheticDataset({
          outDirectory: flags.out,
          battles: nonNegativeInteger(flags.battles, "--battles", 1),
          seed: nonNegativeInteger(flags.seed, "--seed", 0),
          benchmarkPrompts: nonNegativeInteger(flags.benchmarkPrompts, "--benchmark-prompts", 1),
          format: flags.format,
          metadata: flags.metadata,
          onProgress: bar.onProgress,
        });
        bar.finish();
        printResult(flags, files, () =>
          [
            `Wrote SYNTHETIC data (seed ${files.seed}):`,
            `  ${files.battlesPath}  (${files.battles.toLocaleString("en-US")} battles)`,
            `  ${files.benchmarkPath}  (${files.benchmarkPrompts.toLocaleString("en-US")} benchmark questions)`,
            `  ${files.cardPath}`,
            `Next: muffler prepare --input ${files.battlesPath} --run runs/synthetic --strong synthetic/strong-model --weak synthetic/weak-model`,
          ].join("\n"),
        );
      } finally {
        bar.finish();
      }
    });
  command
    .command("cards")
    .description("List the dataset cards, or show one.")
    .argument("[id]", "a card id (or its last part) to show")
    .option("--json", "print the result as JSON")
    .action(async (id: string | undefined, flags: { json?: boolean }) => {
      if (id !== undefined) {
        const card = await readDatasetCard(id);
        printResult(flags, card, () =>
          [
            `${card.id}${card.synthetic ? "  [SYNTHETIC]" : ""}`,
            card.title,
            `kind: ${card.kind}   source: ${card.source}   location: ${card.location}`,
            `license: ${card.license}`,
            `rows: ${card.rows}`,
            "",
            formatTable(["column", "type", "description"], card.columns.map((column) => [column.name, column.type, column.description])),
            "",
            "Use:",
            ...card.usage.map((line) => `  ${line}`),
            ...(card.notes.length > 0 ? ["", "Notes:", ...card.notes.map((line) => `  - ${line}`)] : []),
          ].join("\n"),
        );
        return;
      }
      const cards = await listDatasetCards();
      printResult(flags, cards, () => formatTable(["id", "kind", "source", "license"], cards.map((card) => [card.id, card.kind, card.source, card.license.split(";")[0]!.slice(0, 40)])));
    });
  return command;
}
