import { type OnProgress, SeededRandom, withAtomicPath, writeJsonAtomic } from "@muffler/core";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { generatePrompt } from "./internal/prompt-families.ts";
import { SYNTHETIC_FAMILIES, type SyntheticFamily } from "./synthetic-families.ts";
import { drawCorrectness, drawOutcome } from "./synthetic-outcomes.ts";

/** The model names of the synthetic data (labelled synthetic, so they never pass for real models). */
export const SYNTHETIC_STRONG_MODEL = "synthetic/strong-model";
export const SYNTHETIC_WEAK_MODEL = "synthetic/weak-model";

/** One synthetic battle, in the Arena column names (plus the prompt's family and difficulty). */
export interface SyntheticBattle {
  model_a: string;
  model_b: string;
  prompt: string;
  winner_model_a: 0 | 1;
  winner_model_b: 0 | 1;
  winner_tie: 0 | 1;
  family: SyntheticFamily;
  difficulty: number;
}

/** One synthetic benchmark question with both models' correctness. */
export interface SyntheticBenchmarkRow {
  prompt: string;
  family: SyntheticFamily;
  difficulty: number;
  strongCorrect: boolean;
  weakCorrect: boolean;
}

/** Options of {@link generateSyntheticBattles}. */
export interface SyntheticBattlesOptions {
  /** How many battles. */
  count: number;
  /** @default 0 */
  seed?: number;
}

/** The benchmark's random stream is apart from the battles', so its prompts are fresh draws. */
const BENCHMARK_STREAM = 0x5bd1e995;

function* battleStream(seed: number, count: number): Generator<SyntheticBattle> {
  const random = new SeededRandom(seed);
  for (let index = 0; index < count; index++) {
    const { family, text, difficulty } = generatePrompt(random);
    const outcome = drawOutcome(random, difficulty);
    const strongFirst = random.next() < 0.5;
    const aWins = outcome === (strongFirst ? "strong" : "weak");
    const bWins = outcome === (strongFirst ? "weak" : "strong");
    yield {
      model_a: strongFirst ? SYNTHETIC_STRONG_MODEL : SYNTHETIC_WEAK_MODEL,
      model_b: strongFirst ? SYNTHETIC_WEAK_MODEL : SYNTHETIC_STRONG_MODEL,
      prompt: text,
      winner_model_a: aWins ? 1 : 0,
      winner_model_b: bWins ? 1 : 0,
      winner_tie: outcome === "tie" ? 1 : 0,
      family,
      difficulty: Math.round(difficulty * 1000) / 1000,
    };
  }
}

/**
 * Seeded synthetic battles between `synthetic/strong-model` and `synthetic/weak-model` over five prompt families of
 * varied difficulty (arithmetic, code, trivia, chit-chat, multi-step reasoning). Harder prompts (visible in their
 * wording) are won by the strong model more often; outcomes stay noisy, so a router can learn them but not perfectly.
 */
export function generateSyntheticBattles(options: SyntheticBattlesOptions): SyntheticBattle[] {
  return [...battleStream(options.seed ?? 0, options.count)];
}

/** A synthetic benchmark (fresh prompts, apart from the battles') with per-prompt correctness of both models. */
export function generateSyntheticBenchmark(options: SyntheticBattlesOptions): SyntheticBenchmarkRow[] {
  const random = new SeededRandom(((options.seed ?? 0) ^ BENCHMARK_STREAM) >>> 0);
  return Array.from({ length: options.count }, () => {
    const { family, text, difficulty } = generatePrompt(random);
    return { prompt: text, family, difficulty, ...drawCorrectness(random, difficulty) };
  });
}

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const BATTLE_HEADER = ["model_a", "model_b", "prompt", "winner_model_a", "winner_model_b", "winner_tie", "family", "difficulty"] as const;

/** Options of {@link writeSyntheticDataset}. */
export interface WriteSyntheticDatasetOptions {
  /** The folder to write into (created when missing). */
  outDirectory: string;
  /** How many battles. */
  battles: number;
  /** @default 0 */
  seed?: number;
  /** How many benchmark questions. @default 1000 */
  benchmarkPrompts?: number;
  /** Add the `family` and `difficulty` columns to the battles. @default true */
  metadata?: boolean;
  /** The battles' file format. @default "csv" */
  format?: "csv" | "jsonl";
  onProgress?: OnProgress;
}

/** What {@link writeSyntheticDataset} wrote. */
export interface SyntheticDatasetFiles {
  battlesPath: string;
  benchmarkPath: string;
  cardPath: string;
  battles: number;
  benchmarkPrompts: number;
  seed: number;
}

/**
 * Writes a synthetic dataset: `synthetic-battles.csv` (or `.jsonl`; Arena columns), `synthetic-benchmark.csv`
 * (RouteLLM's benchmark format: `prompt` plus one True/False column per model) and `card.json`, each atomically.
 */
export async function writeSyntheticDataset(options: WriteSyntheticDatasetOptions): Promise<SyntheticDatasetFiles> {
  const seed = options.seed ?? 0;
  const format = options.format ?? "csv";
  const benchmarkPrompts = options.benchmarkPrompts ?? 1000;
  const battlesPath = join(options.outDirectory, `synthetic-battles.${format}`);
  const benchmarkPath = join(options.outDirectory, "synthetic-benchmark.csv");
  const cardPath = join(options.outDirectory, "card.json");

  await withAtomicPath(battlesPath, async (temporary) => {
    const stream = createWriteStream(temporary);
    const finished = new Promise<void>((resolve, reject) => {
      stream.on("finish", resolve);
      stream.on("error", reject);
    });
    const write = async (text: string) => {
      if (!stream.write(text)) await new Promise<void>((resolve) => stream.once("drain", () => resolve()));
    };
    const header = options.metadata === false ? BATTLE_HEADER.slice(0, 6) : BATTLE_HEADER;
    if (format === "csv") await write(`${header.join(",")}\n`);
    let lines: string[] = [];
    let done = 0;
    for (const battle of battleStream(seed, options.battles)) {
      lines.push(format === "csv" ? header.map((column) => csvCell(battle[column])).join(",") : JSON.stringify(Object.fromEntries(header.map((column) => [column, battle[column]]))));
      done++;
      if (lines.length === 20_000) {
        await write(`${lines.join("\n")}\n`);
        lines = [];
        options.onProgress?.({ stage: "synthesize", done, total: options.battles, unit: "battles" });
      }
    }
    if (lines.length > 0) await write(`${lines.join("\n")}\n`);
    stream.end();
    await finished;
    options.onProgress?.({ stage: "synthesize", done, total: options.battles, unit: "battles" });
  });

  const benchmark = generateSyntheticBenchmark({ count: benchmarkPrompts, seed });
  const benchmarkHeader = ["prompt", SYNTHETIC_WEAK_MODEL, SYNTHETIC_STRONG_MODEL].join(",");
  const rows = benchmark.map((row) => [csvCell(row.prompt), row.weakCorrect ? "True" : "False", row.strongCorrect ? "True" : "False"].join(","));
  await withAtomicPath(benchmarkPath, async (temporary) => {
    const { writeFile } = await import("node:fs/promises");
    await writeFile(temporary, `${[benchmarkHeader, ...rows].join("\n")}\n`);
  });

  await writeJsonAtomic(cardPath, {
    id: "muffler/synthetic",
    title: "SYNTHETIC battles and benchmark (generated by Muffler; not real model outputs)",
    synthetic: true,
    seed,
    battles: options.battles,
    benchmarkPrompts,
    models: { strong: SYNTHETIC_STRONG_MODEL, weak: SYNTHETIC_WEAK_MODEL },
    files: { battles: `synthetic-battles.${format}`, benchmark: "synthetic-benchmark.csv" },
    families: SYNTHETIC_FAMILIES,
    howGenerated:
      "Each prompt comes from a template of one of five families, with a difficulty in [0, 1] that its wording shows. The strong model is right with probability 0.98 - 0.3 d and the weak one with 0.97 - 0.9 d; a battle's judge prefers the right answer, mostly the weak one when both are right, and mostly calls a tie when both are wrong.",
    use: `muffler prepare --input ${battlesPath} --run runs/synthetic --strong ${SYNTHETIC_STRONG_MODEL} --weak ${SYNTHETIC_WEAK_MODEL}`,
    license: "Apache-2.0 (generated data)",
  });
  return { battlesPath, benchmarkPath, cardPath, battles: options.battles, benchmarkPrompts, seed };
}
