import { DuckDBInstance } from "@duckdb/node-api";
import { runPaths } from "@muffler/core";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exampleBattles, listTree, temporaryFolder, writeCsv, writeJsonLines } from "./internal/test-helpers.ts";
import { prepareDataset } from "./prepare-dataset.ts";
import { readDatasetManifest } from "./read-dataset-manifest.ts";
import { readPreparedBattles } from "./read-prepared-battles.ts";
import { goldTrainingBattles } from "./gold-battles.ts";
import { loadBenchmark } from "./load-benchmark.ts";

let folder: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  folder = await temporaryFolder();
});
afterEach(async () => {
  await folder.cleanup();
});

const battles = exampleBattles(100);
const isTie = (index: number) => index % 5 === 4;
const strongWon = (index: number) => !isTie(index) && index % 3 !== 2;
const expectedStrongWins = battles.filter((_, index) => strongWon(index)).length;
const expectedTies = battles.filter((_, index) => isTie(index)).length;

describe("prepareDataset on a CSV", () => {
  it("writes raw and encoded splits and a manifest, with the pair oriented strong first and ties dropped", async () => {
    const input = await writeCsv(join(folder.path, "battles.csv"), battles);
    const run = join(folder.path, "run");
    const result = await prepareDataset({ input, runDirectory: run, strongModel: "gpt-4", weakModel: "mixtral", seed: 3 });
    const manifest = await readDatasetManifest(run);
    expect(manifest).toEqual(result.manifest);
    expect(manifest.models).toEqual(["gpt-4", "mixtral"]);
    expect(manifest.counts).toMatchObject({ input: 100, tiesDropped: expectedTies, kept: 100 - expectedTies });
    expect(manifest.rows.train + manifest.rows.test).toBe(100 - expectedTies);
    expect(manifest.rows.test).toBe(Math.ceil(0.05 * (100 - expectedTies)));
    expect(manifest.inputHash).toMatch(/^[0-9a-f]{64}$/);
    expect(result.inputShape).toEqual({ rows: 100, columns: 6 });
    expect(await listTree(join(run, "dataset"))).toEqual(["encoded", "encoded/test.parquet", "encoded/train.parquet", "manifest.json", "raw", "raw/test.parquet", "raw/train.parquet"]);

    const train = await readPreparedBattles(run, "train");
    const test = await readPreparedBattles(run, "test");
    expect(train.prompts).toHaveLength(manifest.rows.train);
    expect(test.prompts).toHaveLength(manifest.rows.test);
    // Every battle is winner first; the strong model (id 0) wins exactly where the data says it did.
    let strongWins = 0;
    for (const split of [train, test]) {
      for (let row = 0; row < split.winnerIds.length; row++) {
        const prompt = split.prompts[split.promptIndices[row]!]!;
        const index = Number(/Question (\d+)/.exec(prompt)![1]);
        expect(isTie(index)).toBe(false);
        expect(split.winnerIds[row]).toBe(strongWon(index) ? 0 : 1);
        expect(split.loserIds[row]).toBe(strongWon(index) ? 1 : 0);
        if (strongWon(index)) strongWins++;
      }
    }
    expect(strongWins).toBe(expectedStrongWins);
    const ratio = manifest.labelRatios.train["model_a"]! * manifest.rows.train + manifest.labelRatios.test["model_a"]! * manifest.rows.test;
    expect(Math.round(ratio)).toBe(expectedStrongWins);
  });

  it("gives the same splits for the same seed and different ones for another seed", async () => {
    const input = await writeCsv(join(folder.path, "battles.csv"), battles);
    const promptsOf = async (seed: number, name: string) => {
      await prepareDataset({ input, runDirectory: join(folder.path, name), seed });
      return (await readPreparedBattles(join(folder.path, name), "test")).prompts;
    };
    const first = await promptsOf(7, "a");
    expect(await promptsOf(7, "b")).toEqual(first);
    expect(await promptsOf(8, "c")).not.toEqual(first);
  });

  // Pins re-recorded when the split became grouped by prompt (the key is hash(prompt, seed), not hash(source_row, seed)).
  it("gives the split and the balancing of earlier versions for the same seed (pinned, DuckDB 1.5 hash)", async () => {
    const input = await writeCsv(join(folder.path, "battles.csv"), battles);
    const pinned = [
      { seed: 0, test: [11, 36, 45, 86], balancedStart: [69, 43, 2, 43, 49, 41, 27, 4, 2, 20, 17, 11] },
      { seed: 3, test: [0, 60, 63, 87], balancedStart: [10, 64, 54, 29, 34, 1, 67, 18, 17, 48, 72, 7] },
    ];
    for (const { seed, test, balancedStart } of pinned) {
      const run = join(folder.path, `seed-${seed}`);
      await prepareDataset({ input, runDirectory: run, strongModel: "gpt-4", weakModel: "mixtral", seed, balance: true });
      const testPrompts = (await readPreparedBattles(run, "test")).prompts;
      expect(testPrompts.map((prompt) => Number(/Question (\d+)/.exec(prompt)![1]))).toEqual(test);
      expect(Array.from((await readPreparedBattles(run, "train")).promptIndices.slice(0, 12))).toEqual(balancedStart);
    }
  });

  it("keeps file order in every file and the encoded rows in step with the raw rows on a larger input", async () => {
    // 30,000 rows (several DuckDB row groups and parquet pages): other models, ties and both orientations mixed in.
    const rows = Array.from({ length: 30_000 }, (_, index) => {
      const other = index % 7 === 3;
      const strongFirst = index % 2 === 0;
      const tie = index % 11 === 5;
      const aWins = !tie && index % 3 !== 0;
      return {
        model_a: other ? "other" : strongFirst ? "gpt-4" : "mixtral",
        model_b: strongFirst ? "mixtral" : "gpt-4",
        prompt: `row ${index + 1}`,
        winner_model_a: aWins ? 1 : 0,
        winner_model_b: !tie && !aWins ? 1 : 0,
        winner_tie: tie ? 1 : 0,
      };
    });
    const input = await writeCsv(join(folder.path, "large.csv"), rows);
    const run = join(folder.path, "run");
    const { manifest } = await prepareDataset({ input, runDirectory: run, strongModel: "gpt-4", weakModel: "mixtral", seed: 11, balance: true });
    const kept = rows.filter((row) => row.model_a !== "other" && row.winner_tie === 0);
    expect(manifest.counts?.kept).toBe(kept.length);
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    try {
      const paths = runPaths(run).dataset;
      for (const split of ["train", "test"] as const) {
        const raw = (await connection.runAndReadAll(`SELECT source_row, prompt, label FROM read_parquet('${split === "train" ? paths.rawTrain : paths.rawTest}', file_row_number = true) ORDER BY file_row_number`)).getRowObjectsJS();
        expect(raw).toHaveLength(manifest.rows[split]);
        let previous = 0;
        for (const row of raw) {
          const sourceRow = Number(row["source_row"]);
          expect(sourceRow).toBeGreaterThan(previous);
          previous = sourceRow;
          expect(row["prompt"]).toBe(`row ${sourceRow}`);
          const battle = rows[sourceRow - 1]!;
          const strongWon = battle.model_a === "gpt-4" ? battle.winner_model_a === 1 : battle.winner_model_b === 1;
          expect(row["label"]).toBe(strongWon ? "model_a" : "model_b");
        }
        const prepared = await readPreparedBattles(run, split);
        for (let index = 0; index < prepared.promptIndices.length; index++) {
          const label = raw[prepared.promptIndices[index]!]!["label"];
          expect(prepared.winnerIds[index]).toBe(label === "model_a" ? 0 : 1);
        }
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it("splits in file order without shuffling, like the seed", async () => {
    const input = await writeCsv(join(folder.path, "battles.csv"), battles);
    const run = join(folder.path, "run");
    await prepareDataset({ input, runDirectory: run, shuffle: false, splitRatio: 0.9, tiePolicy: "drop" });
    const kept = battles.map((row) => String(row["prompt"])).filter((_, index) => !isTie(index));
    const train = await readPreparedBattles(run, "train");
    const test = await readPreparedBattles(run, "test");
    expect(train.prompts).toEqual(kept.slice(0, 72));
    expect(test.prompts).toEqual(kept.slice(72));
  });

  it("applies the tie policies", async () => {
    const input = await writeCsv(join(folder.path, "battles.csv"), battles);
    const pair = { strongModel: "gpt-4", weakModel: "mixtral" };
    const weak = await prepareDataset({ input, runDirectory: join(folder.path, "weak"), ...pair, tiePolicy: "weak-wins" });
    const strong = await prepareDataset({ input, runDirectory: join(folder.path, "strong"), ...pair, tiePolicy: "strong-wins" });
    expect(weak.manifest.counts).toMatchObject({ tiesResolved: expectedTies, kept: 100 });
    const strongShare = (manifest: typeof weak.manifest) =>
      Math.round(manifest.labelRatios.train["model_a"]! * manifest.rows.train + manifest.labelRatios.test["model_a"]! * manifest.rows.test);
    expect(strongShare(weak.manifest)).toBe(expectedStrongWins);
    expect(strongShare(strong.manifest)).toBe(expectedStrongWins + expectedTies);
  });

  it("balances the train split only (RMOTE), seeded", async () => {
    const skewed = Array.from({ length: 400 }, (_, index) => ({
      model_a: "strong",
      model_b: "weak",
      prompt: `p${index}`,
      winner_model_a: index % 10 < 8 ? 1 : 0,
      winner_model_b: index % 10 < 8 ? 0 : 1,
    }));
    const input = await writeCsv(join(folder.path, "skewed.csv"), skewed);
    const run = join(folder.path, "run");
    const { manifest } = await prepareDataset({ input, runDirectory: run, strongModel: "strong", weakModel: "weak", balance: true, splitRatio: 0.75, stratify: true, seed: 5 });
    expect(manifest.rows).toEqual({ train: 300, test: 100, trainBalanced: 300 });
    expect(manifest.labelRatios.test["model_a"]).toBeCloseTo(0.8);
    expect(manifest.labelRatios.train["model_a"]).toBeCloseTo(0.8);
    const train = await readPreparedBattles(run, "train");
    expect(train.winnerIds).toHaveLength(300);
    const strongWins = train.winnerIds.filter((id) => id === 0).length;
    expect(strongWins / 300).toBeGreaterThan(0.4);
    expect(strongWins / 300).toBeLessThan(0.6);
    expect(manifest.balancedLabelRatios!["model_a"]).toBeCloseTo(strongWins / 300);
    const test = await readPreparedBattles(run, "test");
    expect(test.winnerIds.filter((id) => id === 0).length).toBe(80);
    const again = join(folder.path, "again");
    await prepareDataset({ input, runDirectory: again, strongModel: "strong", weakModel: "weak", balance: true, splitRatio: 0.75, stratify: true, seed: 5 });
    expect((await readPreparedBattles(again, "train")).promptIndices).toEqual(train.promptIndices);
    // The balanced rows come from a set of m minority and m majority prompts (m = 60 weak wins in train), drawn
    // with replacement, and are shuffled (not grouped by label or sorted by prompt).
    const majority = new Set<number>();
    const minority = new Set<number>();
    for (let row = 0; row < 300; row++) (train.winnerIds[row] === 0 ? majority : minority).add(train.promptIndices[row]!);
    expect(majority.size).toBeLessThanOrEqual(60);
    expect(minority.size).toBeLessThanOrEqual(60);
    expect(majority.size + minority.size).toBeGreaterThan(60);
    // Each balanced row is the battle of its prompt index (row i of raw/train.parquet is prompt i).
    for (let row = 0; row < 300; row++) {
      const battle = Number(train.prompts[train.promptIndices[row]!]!.slice(1));
      expect(train.winnerIds[row]).toBe(battle % 10 < 8 ? 0 : 1);
    }
    const sorted = [...train.promptIndices].sort((x, y) => x - y);
    expect([...train.promptIndices]).not.toEqual(sorted);
    const otherSeed = join(folder.path, "other-seed");
    await prepareDataset({ input, runDirectory: otherSeed, strongModel: "strong", weakModel: "weak", balance: true, splitRatio: 0.75, stratify: true, seed: 6 });
    expect((await readPreparedBattles(otherSeed, "train")).promptIndices).not.toEqual(train.promptIndices);
  });

  it("maps columns, drops duplicates and keeps every model when no pair is given", async () => {
    const rows = [
      { left: "b", right: "a", question: "same", a_won: 1, b_won: 0, tie_ab: 0 },
      { left: "b", right: "a", question: "same", a_won: 1, b_won: 0, tie_ab: 0 },
      ...Array.from({ length: 30 }, (_, index) => ({ left: ["a", "b", "c"][index % 3]!, right: ["b", "c", "a"][index % 3]!, question: `q${index}`, a_won: index % 2, b_won: 1 - (index % 2), tie_ab: 0 })),
    ];
    const input = await writeCsv(join(folder.path, "mapped.csv"), rows);
    const run = join(folder.path, "run");
    const { manifest } = await prepareDataset({
      input,
      runDirectory: run,
      columnMap: { model_a: "left", model_b: "right", prompt: "question", winner_model_a: "a_won", winner_model_b: "b_won" },
      dedupe: true,
    });
    expect(manifest.models).toEqual(["a", "b", "c"]);
    expect(manifest.counts).toMatchObject({ input: 32, duplicates: 1, kept: 31 });
  });
});

describe("prepareDataset on other formats", () => {
  it("reads JSONL with Arena-style JSON lists of turns: the first turn, or all turns", async () => {
    const rows = Array.from({ length: 40 }, (_, index) => ({
      model_a: "x",
      model_b: "y",
      prompt: JSON.stringify([`first ${index}`, `second ${index}`]),
      winner_model_a: index % 2,
      winner_model_b: 1 - (index % 2),
      winner_tie: 0,
    }));
    const input = await writeJsonLines(join(folder.path, "arena.jsonl"), rows);
    await prepareDataset({ input, runDirectory: join(folder.path, "first"), shuffle: false });
    expect((await readPreparedBattles(join(folder.path, "first"), "train")).prompts[0]).toBe("first 0");
    await prepareDataset({ input, runDirectory: join(folder.path, "all"), shuffle: false, promptTurns: "all" });
    expect((await readPreparedBattles(join(folder.path, "all"), "train")).prompts[0]).toBe("first 0\n\nsecond 0");
  });

  it("reads parquet, with a real list column of turns", async () => {
    const path = join(folder.path, "battles.parquet");
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    await connection.run(`COPY (SELECT 'm' || (i % 2) AS model_a, 'm' || (1 - i % 2) AS model_b, ['turn ' || i, 'next'] AS prompt,
      CAST(i % 3 = 0 AS BOOLEAN) AS winner_model_a, CAST(i % 3 <> 0 AS BOOLEAN) AS winner_model_b FROM range(50) t(i)) TO '${path}' (FORMAT parquet)`);
    connection.closeSync();
    instance.closeSync();
    const run = join(folder.path, "run");
    const { manifest } = await prepareDataset({ input: path, runDirectory: run, shuffle: false, strongModel: "m0", weakModel: "m1" });
    expect(manifest.rows.train + manifest.rows.test).toBe(50);
    const train = await readPreparedBattles(run, "train");
    expect(train.prompts[0]).toBe("turn 0");
    // Row 0: m0 vs m1 and winner_model_a -> the strong model m0 (id 0) won.
    expect(train.winnerIds[0]).toBe(0);
    // Row 1: m1 vs m0, winner_model_b -> m0 won again (oriented strong first).
    expect(train.winnerIds[1]).toBe(0);
  });

  it("derives gold battles from a benchmark CSV and drops contaminated prompts", async () => {
    const benchmarkFolder = join(folder.path, "bench");
    const { mkdir } = await import("node:fs/promises");
    await mkdir(benchmarkFolder);
    const rows = [
      { prompt: "both right", weak: "True", strong: "True" },
      { prompt: "strong only", weak: "False", strong: "True" },
      { prompt: "weak only", weak: "True", strong: "False" },
      { prompt: "both wrong", weak: "False", strong: "False" },
      ...Array.from({ length: 20 }, (_, index) => ({ prompt: `q${index}`, weak: index % 2 ? "True" : "False", strong: "True" })),
    ];
    await writeCsv(join(benchmarkFolder, "bench_responses.csv"), rows, ["prompt", "weak", "strong"]);
    await writeJsonLines(join(benchmarkFolder, "contaminated_prompts.jsonl"), [{ eval_prompt: "q0", train_prompt: "x" }]);
    const run = join(folder.path, "run");
    const { manifest } = await prepareDataset({ benchmark: benchmarkFolder, runDirectory: run, strongModel: "strong", weakModel: "weak", tiePolicy: "weak-wins", goldPassingScore: 1, shuffle: false });
    expect(manifest.counts).toMatchObject({ input: 23, tiesResolved: 1, kept: 23 });
    const train = await readPreparedBattles(run, "train");
    expect(train.prompts.slice(0, 4)).toEqual(["both right", "strong only", "weak only", "both wrong"]);
    // models sorted: strong = 0, weak = 1
    expect(Array.from(train.winnerIds.slice(0, 4))).toEqual([1, 0, 1, 1]);
    const input = await writeCsv(join(folder.path, "battles.csv"), [
      ...Array.from({ length: 10 }, (_, index) => ({ model_a: "s", model_b: "w", prompt: `other ${index}`, winner_model_a: 1, winner_model_b: 0 })),
      { model_a: "s", model_b: "w", prompt: "  strong \n only ", winner_model_a: 1, winner_model_b: 0 },
    ]);
    const cleaned = await prepareDataset({ input, runDirectory: join(folder.path, "clean"), excludeBenchmarks: [benchmarkFolder] });
    expect(cleaned.manifest.counts).toMatchObject({ contaminated: 1, kept: 10 });
  });

  it("labels a benchmark's gold battles with the gold defaults (equal scores tie, a tie split into one win each), as goldTrainingBattles does", async () => {
    const benchmarkFolder = join(folder.path, "bench-split");
    const { mkdir } = await import("node:fs/promises");
    await mkdir(benchmarkFolder);
    const rows = [
      { prompt: "both right", weak: "True", strong: "True" },
      { prompt: "strong only", weak: "False", strong: "True" },
      { prompt: "weak only", weak: "True", strong: "False" },
      { prompt: "both wrong", weak: "False", strong: "False" },
    ];
    await writeCsv(join(benchmarkFolder, "bench_responses.csv"), rows, ["prompt", "weak", "strong"]);
    const run = join(folder.path, "run-split");
    const { manifest } = await prepareDataset({ benchmark: benchmarkFolder, runDirectory: run, strongModel: "strong", weakModel: "weak", shuffle: false, splitRatio: 0.5 });
    expect(manifest.options).toMatchObject({ tiePolicy: "split", goldPassingScore: "Infinity" });
    expect(manifest.counts).toMatchObject({ input: 4, tiesResolved: 2, kept: 6 });
    const label = async (split: "train" | "test") => {
      const battles = await readPreparedBattles(run, split);
      return Array.from(battles.promptIndices, (index, i) => `${battles.prompts[index]}:${battles.winnerIds[i] === 0 ? "strong" : "weak"}`);
    };
    const all = [...(await label("train")), ...(await label("test"))].sort();
    const benchmark = await loadBenchmark({ path: benchmarkFolder, strongModel: "strong", weakModel: "weak" });
    const gold = goldTrainingBattles({ benchmark });
    const expected = Array.from(gold.battles.promptIndices, (row, i) => `${benchmark.prompts[row]}:${gold.battles.winnerIds[i] === gold.strongId ? "strong" : "weak"}`).sort();
    expect(all).toEqual(expected);
    expect(all).toEqual(["both right:strong", "both right:weak", "both wrong:strong", "both wrong:weak", "strong only:strong", "weak only:weak"]);
  });
});

describe("atomic output", () => {
  it("replaces an earlier dataset whole and leaves no temporary files", async () => {
    const input = await writeCsv(join(folder.path, "battles.csv"), battles);
    const run = join(folder.path, "run");
    await prepareDataset({ input, runDirectory: run, seed: 1 });
    await prepareDataset({ input, runDirectory: run, seed: 2, balance: true, strongModel: "gpt-4", weakModel: "mixtral" });
    expect((await listTree(run)).filter((name) => name.includes(".tmp") || name.includes(".old"))).toEqual([]);
    const manifest = JSON.parse(await readFile(runPaths(run).dataset.manifest, "utf8")) as { options: { seed: number } };
    expect(manifest.options.seed).toBe(2);
  });
});
