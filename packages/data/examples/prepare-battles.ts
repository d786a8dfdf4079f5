/**
 * A runnable example: write a few battles as CSV, prepare them into a run directory, and read them back.
 * Run from the repository root: node --conditions=@muffler/source --import tsx packages/data/examples/prepare-battles.ts
 */
import { prepareDataset, readDatasetManifest, readPreparedBattles } from "@muffler/data";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const folder = await mkdtemp(join(tmpdir(), "muffler-data-example-"));
try {
  // 60 battles between two models, in both orientations, with a few ties.
  const lines = ["model_a,model_b,prompt,winner_model_a,winner_model_b,winner_tie"];
  for (let index = 0; index < 60; index++) {
    const strongFirst = index % 2 === 0;
    const outcome = index % 7 === 0 ? "tie" : index % 3 === 0 ? "weak" : "strong";
    const aWins = outcome === (strongFirst ? "strong" : "weak");
    const bWins = outcome === (strongFirst ? "weak" : "strong");
    const [a, b] = strongFirst ? ["gpt-4-1106-preview", "mixtral-8x7b-instruct-v0.1"] : ["mixtral-8x7b-instruct-v0.1", "gpt-4-1106-preview"];
    lines.push(`${a},${b},"Question ${index}: explain step ${index}, briefly.",${aWins ? 1 : 0},${bWins ? 1 : 0},${outcome === "tie" ? 1 : 0}`);
  }
  const input = join(folder, "battles.csv");
  await writeFile(input, `${lines.join("\n")}\n`);

  const run = join(folder, "run");
  const { manifest } = await prepareDataset({
    input,
    runDirectory: run,
    strongModel: "gpt-4-1106-preview",
    weakModel: "mixtral-8x7b-instruct-v0.1",
    tiePolicy: "drop",
    splitRatio: 0.8,
    seed: 1,
    balance: true,
  });
  console.log("models:", manifest.models.join(", "));
  console.log("rows:", manifest.rows, "counts:", manifest.counts);
  console.log("train label ratios:", manifest.labelRatios.train);

  const train = await readPreparedBattles(run, "train");
  console.log(`train: ${train.winnerIds.length} battles (balanced) over ${train.prompts.length} prompts`);
  const first = 0;
  console.log(`first battle: ${manifest.models[train.winnerIds[first]!]} beat ${manifest.models[train.loserIds[first]!]} on "${train.prompts[train.promptIndices[first]!]}"`);
  console.log("manifest read back:", (await readDatasetManifest(run)).inputHash.slice(0, 12));
} finally {
  await rm(folder, { recursive: true, force: true });
}
