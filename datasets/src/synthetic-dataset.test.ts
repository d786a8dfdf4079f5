import { readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateSyntheticBattles, generateSyntheticBenchmark, SYNTHETIC_STRONG_MODEL, writeSyntheticDataset } from "./synthetic-dataset.ts";
import { SYNTHETIC_FAMILIES } from "./synthetic-families.ts";

describe("generateSyntheticBattles", () => {
  const battles = generateSyntheticBattles({ count: 20_000, seed: 4 });

  it("is reproducible for a seed and differs across seeds", () => {
    expect(generateSyntheticBattles({ count: 50, seed: 4 })).toEqual(battles.slice(0, 50));
    expect(generateSyntheticBattles({ count: 50, seed: 5 })).not.toEqual(battles.slice(0, 50));
  });

  it("covers every family, both orientations, and exactly one outcome per battle", () => {
    expect(new Set(battles.map((battle) => battle.family))).toEqual(new Set(SYNTHETIC_FAMILIES));
    expect(battles.filter((battle) => battle.model_a === SYNTHETIC_STRONG_MODEL).length / battles.length).toBeGreaterThan(0.45);
    expect(battles.filter((battle) => battle.model_a === SYNTHETIC_STRONG_MODEL).length / battles.length).toBeLessThan(0.55);
    for (const battle of battles) expect(battle.winner_model_a + battle.winner_model_b + battle.winner_tie).toBe(1);
  });

  it("lets the strong model win more often on harder prompts", () => {
    const strongShare = (low: number, high: number) => {
      const decisive = battles.filter((battle) => battle.difficulty >= low && battle.difficulty < high && battle.winner_tie === 0);
      const strongWins = decisive.filter((battle) => (battle.winner_model_a === 1) === (battle.model_a === SYNTHETIC_STRONG_MODEL));
      return strongWins.length / decisive.length;
    };
    const easy = strongShare(0, 0.2);
    const hard = strongShare(0.7, 1.01);
    expect(easy).toBeLessThan(0.5);
    expect(hard).toBeGreaterThan(0.75);
  });

  it("makes mostly distinct prompts", () => {
    expect(new Set(battles.map((battle) => battle.prompt)).size / battles.length).toBeGreaterThan(0.5);
  });
});

describe("generateSyntheticBenchmark", () => {
  it("gives the strong model the higher accuracy, and the weak one more errors on hard prompts", () => {
    const rows = generateSyntheticBenchmark({ count: 5000, seed: 1 });
    const accuracy = (pick: (row: (typeof rows)[number]) => boolean, filter: (row: (typeof rows)[number]) => boolean = () => true) => {
      const subset = rows.filter(filter);
      return subset.filter(pick).length / subset.length;
    };
    expect(accuracy((row) => row.strongCorrect)).toBeGreaterThan(accuracy((row) => row.weakCorrect));
    expect(accuracy((row) => row.weakCorrect, (row) => row.difficulty > 0.7)).toBeLessThan(accuracy((row) => row.weakCorrect, (row) => row.difficulty < 0.2) - 0.4);
  });
});

describe("writeSyntheticDataset", () => {
  it("writes battles, a RouteLLM-format benchmark and a card that says synthetic", async () => {
    const folder = await mkdtemp(join(tmpdir(), "muffler-synth-"));
    try {
      const files = await writeSyntheticDataset({ outDirectory: folder, battles: 300, seed: 2, benchmarkPrompts: 40 });
      const lines = (await readFile(files.battlesPath, "utf8")).trim().split("\n");
      expect(lines[0]).toBe("model_a,model_b,prompt,winner_model_a,winner_model_b,winner_tie,family,difficulty");
      expect(lines).toHaveLength(301);
      const benchmark = (await readFile(files.benchmarkPath, "utf8")).trim().split("\n");
      expect(benchmark[0]).toBe("prompt,synthetic/weak-model,synthetic/strong-model");
      expect(benchmark).toHaveLength(41);
      expect(benchmark.slice(1).every((line) => /,(True|False),(True|False)$/.test(line))).toBe(true);
      const card = JSON.parse(await readFile(files.cardPath, "utf8")) as { synthetic: boolean; title: string };
      expect(card.synthetic).toBe(true);
      expect(card.title).toMatch(/SYNTHETIC/);
      const plain = await writeSyntheticDataset({ outDirectory: join(folder, "plain"), battles: 10, seed: 2, metadata: false, format: "jsonl" });
      const first = JSON.parse((await readFile(plain.battlesPath, "utf8")).split("\n")[0]!) as Record<string, unknown>;
      expect(Object.keys(first)).toEqual(["model_a", "model_b", "prompt", "winner_model_a", "winner_model_b", "winner_tie"]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe("learnability", () => {
  it("lets a bag-of-words classifier trained on the text rank held-out strong wins well above chance, but not perfectly", () => {
    const decisive = generateSyntheticBattles({ count: 30_000, seed: 9 }).filter((battle) => battle.winner_tie === 0);
    const strongWon = (battle: (typeof decisive)[number]) => (battle.winner_model_a === 1) === (battle.model_a === SYNTHETIC_STRONG_MODEL);
    const words = (text: string) => [...new Set(text.toLowerCase().match(/[a-z]+|\d+/g) ?? [])].map((word) => (/^\d+$/.test(word) ? `number-of-${word.length}-digits` : word));
    const train = decisive.slice(0, 20_000);
    const test = decisive.slice(20_000);
    // Naive Bayes with add-one smoothing.
    const counts = new Map<string, [number, number]>();
    let positives = 0;
    for (const battle of train) {
      const label = strongWon(battle);
      if (label) positives++;
      for (const word of words(battle.prompt)) {
        const count = counts.get(word) ?? [0, 0];
        count[label ? 1 : 0]++;
        counts.set(word, count);
      }
    }
    const negatives = train.length - positives;
    const score = (text: string) =>
      words(text).reduce((sum, word) => {
        const [no, yes] = counts.get(word) ?? [0, 0];
        return sum + Math.log((yes + 1) / (positives + 2)) - Math.log((no + 1) / (negatives + 2));
      }, 0);
    const ranked = test.map((battle) => ({ score: score(battle.prompt), positive: strongWon(battle) })).sort((a, b) => a.score - b.score);
    let rankSum = 0;
    let testPositives = 0;
    ranked.forEach((item, index) => {
      if (item.positive) {
        rankSum += index + 1;
        testPositives++;
      }
    });
    const auc = (rankSum - (testPositives * (testPositives + 1)) / 2) / (testPositives * (ranked.length - testPositives));
    expect(auc).toBeGreaterThan(0.62);
    expect(auc).toBeLessThan(0.85);
  });
});
