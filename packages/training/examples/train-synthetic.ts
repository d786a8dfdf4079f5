// Trains a two-model router on synthetic battles with a validation split, then prints the history.
// Run: node --conditions=@muffler/source --import tsx examples/train-synthetic.ts
import { SeededRandom } from "@muffler/core";
import { train } from "@muffler/training";

// 4,000 battles between model 0 and model 1 on 32-d unit prompts: model 0 wins when the prompt points along +x.
const D = 32;
const random = new SeededRandom(1);
function battles(count: number) {
  const embeddings = new Float32Array(count * D);
  const winnerIds = new Int32Array(count);
  const loserIds = new Int32Array(count);
  const promptIndices = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    let norm = 0;
    for (let d = 0; d < D; d++) norm += (embeddings[i * D + d] = random.normal()) ** 2;
    for (let d = 0; d < D; d++) embeddings[i * D + d]! /= Math.sqrt(norm);
    const zeroWins = random.next() < 1 / (1 + Math.exp(-8 * embeddings[i * D]!));
    winnerIds[i] = zeroWins ? 0 : 1;
    loserIds[i] = zeroWins ? 1 : 0;
    promptIndices[i] = i;
  }
  return { battles: { winnerIds, loserIds, promptIndices }, embeddings };
}
const trainSplit = battles(4_000);
const validation = battles(500);

const result = await train({
  models: ["strong", "weak"],
  dimension: D,
  ...trainSplit,
  validation,
  options: { epochs: 10, learningRate: 3e-3, noise: 0.1, earlyStoppingPatience: 3 },
});
for (const epoch of result.history.epochs) {
  console.log(
    `epoch ${epoch.epoch}: train ${epoch.trainLoss.toFixed(4)}  validation ${epoch.validationLoss!.toFixed(4)}  accuracy ${(epoch.validationAccuracy! * 100).toFixed(1)}%`,
  );
}
console.log(`best epoch ${result.history.bestEpoch}`);
