import { train } from "./src/train.ts";
import { syntheticBattles } from "./src/internal/synthetic-battles.ts";
const models = Number(process.argv[2] ?? 2);
const data = syntheticBattles({ battles: 100_000, models, dimension: 768, seed: 1 });
const t0 = performance.now();
const r = await train({ models: data.models, dimension: 768, battles: data.battles, embeddings: data.embeddings, options: { epochs: Number(process.argv[3] ?? 1) } });
const s = (performance.now() - t0) / 1000;
console.log(models, s.toFixed(2), "s", r.history.epochs.map((e) => [e.trainLoss.toFixed(4), e.seconds.toFixed(2)]));
