// pnpm --filter @muffler/training bench:weight-decay — the weight-decay variants on a 64-model synthetic task whose
// model popularity is Zipf-skewed (a few common models, many rare ones, as in Chatbot Arena), so that most batches
// lack most of the rare models. Trains each variant from the same initialization on the same battles and reports the
// best epoch's validation loss and accuracy, the accuracy on validation battles with one of the 32 rarest models, and
// the mean |P_m| of the 8 most and the 8 least common models after training.
// Environment: EXAMPLES (50000 train + 10000 validation), MODELS (64), DIMENSION (128), EPOCHS (10), POPULARITY (1.2),
// SEED (0: initialization and shuffles), DATA_SEED (11: the synthetic battles).
import { loadavg } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeJsonAtomic } from "@muffler/core";
import { evaluateBattles } from "../src/internal/evaluate.ts";
import { syntheticBattles } from "../src/internal/synthetic-battles.ts";
import { train, type TrainingOptions } from "../src/index.ts";

const environment = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const examples = environment("EXAMPLES", 50_000);
const validationCount = Math.round(examples / 5);
const models = environment("MODELS", 64);
const dimension = environment("DIMENSION", 128);
const epochs = environment("EPOCHS", 10);
const popularity = environment("POPULARITY", 1.2);
const seed = environment("SEED", 0);
const dataSeed = environment("DATA_SEED", 11);

const all = syntheticBattles({ battles: examples + validationCount, models, dimension, seed: dataSeed, popularity });
const slice = (from: number, to: number) => ({
  battles: {
    winnerIds: all.battles.winnerIds.slice(from, to),
    loserIds: all.battles.loserIds.slice(from, to),
    promptIndices: Int32Array.from({ length: to - from }, (_, index) => index),
  },
  embeddings: all.embeddings.slice(from * dimension, to * dimension),
});
const training = slice(0, examples);
const validation = slice(examples, examples + validationCount);
const rare = (id: number) => id >= models / 2;
const rareIndices = [...validation.battles.winnerIds.keys()].filter((i) => rare(validation.battles.winnerIds[i]!) || rare(validation.battles.loserIds[i]!));
const rareValidation = {
  winnerIds: Int32Array.from(rareIndices, (i) => validation.battles.winnerIds[i]!),
  loserIds: Int32Array.from(rareIndices, (i) => validation.battles.loserIds[i]!),
  promptIndices: Int32Array.from(rareIndices, (i) => validation.battles.promptIndices[i]!),
};

const variants: { name: string; options: TrainingOptions }[] = [
  { name: "l2 1e-5 (torch Adam, the seed's)", options: { weightDecay: 1e-5, weightDecayMode: "l2" } },
  { name: "l2 1e-5, P not decayed", options: { weightDecay: 1e-5, weightDecayMode: "l2", weightDecayOnModels: false } },
  { name: "decoupled 1e-5 (AdamW)", options: { weightDecay: 1e-5, weightDecayMode: "decoupled" } },
  { name: "decoupled 1e-2 (AdamW's default rate)", options: { weightDecay: 1e-2, weightDecayMode: "decoupled" } },
  { name: "decoupled 1e-2, P not decayed", options: { weightDecay: 1e-2, weightDecayMode: "decoupled", weightDecayOnModels: false } },
  { name: "none", options: { weightDecay: 0 } },
];

const loadBefore = loadavg()[0]!;
const results = [];
for (const variant of variants) {
  const started = performance.now();
  const result = await train({ models: all.models, dimension, battles: training.battles, embeddings: training.embeddings, validation, options: { epochs, seed, ...variant.options } });
  const best = result.history.epochs[result.history.bestEpoch - 1]!;
  const rareFigures = evaluateBattles(result.parameters, rareValidation, validation.embeddings);
  const H = result.lastParameters.hidden;
  const norm = (m: number) => Math.hypot(...result.lastParameters.P.subarray(m * H, (m + 1) * H));
  const mean = (ids: number[]) => ids.reduce((sum, m) => sum + norm(m), 0) / ids.length;
  const row = {
    variant: variant.name,
    options: variant.options,
    bestEpoch: result.history.bestEpoch,
    validationLoss: Number(best.validationLoss!.toFixed(5)),
    validationAccuracy: Number(best.validationAccuracy!.toFixed(4)),
    rareAccuracy: Number(rareFigures.accuracy.toFixed(4)),
    commonNorm: Number(mean([0, 1, 2, 3, 4, 5, 6, 7]).toFixed(3)),
    rareNorm: Number(mean(Array.from({ length: 8 }, (_, k) => models - 1 - k)).toFixed(3)),
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  };
  results.push(row);
  console.log(JSON.stringify(row));
}
const initialNorm = Math.sqrt(128); // nn.Embedding's N(0, 1) rows
const output = {
  examples,
  validation: validationCount,
  rareValidationBattles: rareIndices.length,
  models,
  dimension,
  epochs,
  popularity,
  seed,
  dataSeed,
  initialNorm: Number(initialNorm.toFixed(3)),
  results,
  loadAverageBefore: Number(loadBefore.toFixed(2)),
  loadAverageAfter: Number(loadavg()[0]!.toFixed(2)),
  command: "pnpm --filter @muffler/training bench:weight-decay",
  measuredAt: new Date().toISOString(),
};
await writeJsonAtomic(resolve(dirname(fileURLToPath(import.meta.url)), "../../../bench-results/training-weight-decay.json"), output);
console.log(`load average ${output.loadAverageBefore} -> ${output.loadAverageAfter}`);
