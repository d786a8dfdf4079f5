// pnpm bench:training — the fused engine against the seed's PyTorch recipe on the same battles, three cases:
// 2 models and LARGE_MODELS (64) models on 100,000 synthetic battles x 768-d, and AlpacaEval's battles of about 70
// models against gpt-4-1106-preview (../shared/data/alpaca-eval, prompts embedded with use-lite through the embeddings
// cache, skipped with a message where the data is absent).
// Environment: EXAMPLES (100000), DIMENSION (768), EPOCHS (10), REFERENCE_EPOCHS (1: the reference's speed per epoch is
// constant, and at about 6,900 examples/s its 10 epochs take 145 s), LARGE_MODELS (64), LARGE_EPOCHS (10),
// LARGE_REFERENCE_EPOCHS (1), ALPACA_EPOCHS (10), ALPACA_REFERENCE_EPOCHS (1), ALPACA_EVAL (../shared/data/alpaca-eval
// from the repository root), EMBEDDINGS_CACHE (.cache/embeddings at the repository root), REFERENCE_THREADS (2),
// REFERENCE_BATTLES (25000: the reference is timed on the first 25,000 battles of each case, 391 steps),
// PYTHON (/usr/bin/python3).
// PyTorch's 2 OpenMP threads lose most of their speed when another process holds a core (their barriers spin), so the
// measured reference varies with the machine's load: the output also gives the ratio against the reference's figure
// on a quiet machine (6,900 examples/s, /work/shared/MEASUREMENTS.md) and the load averages.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeJsonAtomic, writeSafetensors } from "@muffler/core";
import { createEmbedder, EmbeddingCache, withEmbeddingCache } from "@muffler/embeddings";
import { syntheticBattles, type SyntheticBattles } from "../src/internal/synthetic-battles.ts";
import { train } from "../src/index.ts";
import { loadAlpacaEvalBattles } from "./alpaca-eval-battles.ts";

const here = dirname(fileURLToPath(import.meta.url));
const environment = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const examples = environment("EXAMPLES", 100_000);
const dimension = environment("DIMENSION", 768);
const epochs = environment("EPOCHS", 10);
const referenceEpochs = environment("REFERENCE_EPOCHS", 1);
const largeModels = environment("LARGE_MODELS", 64);
const largeEpochs = environment("LARGE_EPOCHS", 10);
const largeReferenceEpochs = environment("LARGE_REFERENCE_EPOCHS", 1);
const alpacaEpochs = environment("ALPACA_EPOCHS", 10);
const alpacaReferenceEpochs = environment("ALPACA_REFERENCE_EPOCHS", 1);
const repositoryRoot = resolve(here, "../../..");
const alpacaFolder = process.env.ALPACA_EVAL ?? resolve(repositoryRoot, "../shared/data/alpaca-eval");
const embeddingsCache = process.env.EMBEDDINGS_CACHE ?? resolve(repositoryRoot, ".cache/embeddings");
const referenceThreads = environment("REFERENCE_THREADS", 2);
const referenceBattles = environment("REFERENCE_BATTLES", 25_000);
const documentedReferenceExamplesPerSecond = 6_900;
const python = process.env.PYTHON ?? "/usr/bin/python3";
const hasTorch = spawnSync(python, ["-c", "import torch"], { stdio: "ignore" }).status === 0;
if (!hasTorch) console.warn(`[bench:training] SKIPPING the PyTorch reference: ${python} cannot import torch (apt-get install python3-torch).`);

interface Case {
  name: string;
  models: number;
  examples: number;
  dimension: number;
  epochs: number;
  seconds: number;
  cpuSeconds: number;
  examplesPerSecond: number;
  finalTrainLoss: number;
  reference: { epochs: number; battles: number; seconds: number; examplesPerSecond: number; finalTrainLoss: number } | null;
  ratio: number | null;
}

async function measure(name: string, data: SyntheticBattles, fusedEpochs: number, torchEpochs: number): Promise<Case> {
  const count = data.battles.winnerIds.length;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await train({ models: data.models, dimension: data.dimension, battles: data.battles, embeddings: data.embeddings, options: { epochs: fusedEpochs, engine: "fused" } });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const examplesPerSecond = (count * fusedEpochs) / seconds;
  console.warn(`[bench:training] ${name}: fused ${Math.round(examplesPerSecond)} examples/s (${seconds.toFixed(1)} s); load average ${loadavg()[0]!.toFixed(1)}`);
  const reference = hasTorch && torchEpochs > 0 ? await runReference(data, torchEpochs) : null;
  if (reference !== null) console.warn(`[bench:training] ${name}: PyTorch ${reference.examplesPerSecond} examples/s; load average ${loadavg()[0]!.toFixed(1)}`);
  return {
    name,
    models: data.models.length,
    examples: count,
    dimension: data.dimension,
    epochs: fusedEpochs,
    seconds: round(seconds),
    cpuSeconds: round((used.user + used.system) / 1e6),
    examplesPerSecond: Math.round(examplesPerSecond),
    finalTrainLoss: round(result.history.epochs.at(-1)!.trainLoss, 5),
    reference,
    ratio: reference === null ? null : round(examplesPerSecond / reference.examplesPerSecond, 2),
  };
}

async function runReference(data: SyntheticBattles, torchEpochs: number): Promise<Case["reference"]> {
  const folder = await mkdtemp(join(tmpdir(), "muffler-bench-training-"));
  try {
    const file = join(folder, "battles.safetensors");
    // The reference's speed per step does not depend on how many steps an epoch has: time it on the first
    // REFERENCE_BATTLES battles (the whole set when it is smaller) to keep the run short on a loaded machine.
    const count = Math.min(data.battles.winnerIds.length, referenceBattles);
    await writeSafetensors(file, {
      embeddings: { shape: [data.embeddings.length / data.dimension, data.dimension], data: data.embeddings },
      winners: { shape: [count], data: data.battles.winnerIds.subarray(0, count) },
      losers: { shape: [count], data: data.battles.loserIds.subarray(0, count) },
      prompts: { shape: [count], data: data.battles.promptIndices.subarray(0, count) },
    });
    const child = spawnSync(python, [join(here, "reference_mf.py"), file, String(torchEpochs), String(referenceThreads)], { encoding: "utf8", maxBuffer: 1 << 24 });
    if (child.status !== 0) throw new Error(`reference_mf.py failed: ${child.stderr}`);
    const output = JSON.parse(child.stdout) as { seconds: number; examplesPerSecond: number; losses: number[] };
    return { epochs: torchEpochs, battles: count, seconds: round(output.seconds), examplesPerSecond: Math.round(output.examplesPerSecond), finalTrainLoss: round(output.losses.at(-1)!, 5) };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** AlpacaEval's battles against gpt4_1106_preview, prompts embedded with use-lite (cached); undefined without the data. */
async function alpacaEvalData(): Promise<(SyntheticBattles & { judgments: number; dropped: number }) | undefined> {
  if (!existsSync(join(alpacaFolder, "battles.csv"))) {
    console.warn(`[bench:training] SKIPPING the AlpacaEval case: ${alpacaFolder}/battles.csv is absent.`);
    return undefined;
  }
  const loaded = await loadAlpacaEvalBattles(alpacaFolder);
  const embedder = await createEmbedder("use-lite");
  try {
    const cache = await EmbeddingCache.open({ directory: embeddingsCache, embedderId: embedder.id, dimension: embedder.dimension });
    const vectors = await withEmbeddingCache({ embedder, cache }).embed(loaded.prompts, { batchSize: 64 });
    const embeddings = new Float32Array(vectors.length * embedder.dimension);
    vectors.forEach((vector, row) => embeddings.set(vector, row * embedder.dimension));
    return { models: loaded.models, dimension: embedder.dimension, battles: loaded.battles, embeddings, judgments: loaded.judgments, dropped: loaded.dropped };
  } finally {
    await embedder.dispose?.();
  }
}

function round(value: number, digits = 3): number {
  return Number(value.toFixed(digits));
}

const loadBefore = loadavg()[0]!;
const main = await measure("2 models", syntheticBattles({ battles: examples, models: 2, dimension, seed: 1 }), epochs, referenceEpochs);
const large = largeModels > 0 ? await measure(`${largeModels} models`, syntheticBattles({ battles: examples, models: largeModels, dimension, seed: 1 }), largeEpochs, largeReferenceEpochs) : null;
const alpaca = await alpacaEvalData();
const real = alpaca === undefined ? null : { ...(await measure("AlpacaEval", alpaca, alpacaEpochs, alpacaReferenceEpochs)), judgments: alpaca.judgments, dropped: alpaca.dropped, source: alpacaFolder };
const output = {
  examples,
  dimension,
  models: 2,
  epochs,
  seconds: main.seconds,
  examplesPerSecond: main.examplesPerSecond,
  referenceExamplesPerSecond: main.reference?.examplesPerSecond ?? null,
  ratio: main.ratio,
  ratioToDocumentedReference: round(main.examplesPerSecond / documentedReferenceExamplesPerSecond, 2),
  documentedReferenceExamplesPerSecond,
  referenceThreads,
  cpuSeconds: main.cpuSeconds,
  finalTrainLoss: main.finalTrainLoss,
  reference: main.reference,
  large,
  alpacaEval: real,
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? "unknown", node: process.version, loadAverageBefore: round(loadBefore, 2), loadAverageAfter: round(loadavg()[0]!, 2) },
  command: "pnpm bench:training",
  measuredAt: new Date().toISOString(),
};
const target = resolve(here, "../../../bench-results/training.json");
await writeJsonAtomic(target, output);

const line = (item: Case) =>
  `${item.name.padEnd(12)} ${String(item.models).padStart(6)} ${String(item.examples).padStart(8)} ${String(item.dimension).padStart(5)} ${String(item.epochs).padStart(6)} ${item.seconds.toFixed(2).padStart(9)} ${String(item.examplesPerSecond).padStart(12)} ${String(item.reference?.examplesPerSecond ?? "skipped").padStart(14)} ${String(item.ratio ?? "-").padStart(7)}`;
console.log("batch 64, Adam; fused engine vs the seed's PyTorch recipe (measured in this run)");
console.log(`${"case".padEnd(12)} ${"models".padStart(6)} ${"battles".padStart(8)} ${"D".padStart(5)} ${"epochs".padStart(6)} ${"seconds".padStart(9)} ${"examples/s".padStart(12)} ${"torch ex/s".padStart(14)} ${"ratio".padStart(7)}`);
for (const item of [main, large, real]) if (item) console.log(line(item));
console.log(`fused (2 models) against the reference's documented quiet-machine speed (6,900 examples/s): ${output.ratioToDocumentedReference}x`);
console.log(`load average ${output.machine.loadAverageBefore} -> ${output.machine.loadAverageAfter} on ${output.machine.cpus} cpus; wrote ${target}`);
