// Trains on synthetic battles with checkpoints and kills its own process (SIGKILL, no cleanup) during epoch KILL_IN,
// after its last step and before its checkpoint; with KILL_IN=0 it runs to the end and prints the final W as JSON.
// Used by train.test.ts.
import { syntheticBattles } from "../internal/synthetic-battles.ts";
import { train } from "../train.ts";

const [checkpointDirectory, killIn] = [process.argv[2]!, Number(process.argv[3])];
const data = syntheticBattles({ battles: 1_000, models: 3, dimension: 12, seed: 3 });
const result = await train({
  models: data.models,
  dimension: data.dimension,
  battles: data.battles,
  embeddings: data.embeddings,
  options: { epochs: 4, hidden: 8, seed: 2, noise: 0.05, checkpointDirectory },
  onProgress: (event) => {
    if (killIn > 0 && event.detail?.epoch === killIn && event.done === killIn * 16) process.kill(process.pid, "SIGKILL");
  },
});
process.stdout.write(JSON.stringify({ resumedFromEpoch: result.resumedFromEpoch ?? null, W: Array.from(result.lastParameters.W) }));
