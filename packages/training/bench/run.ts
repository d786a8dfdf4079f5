// pnpm bench:training — the fused engine against the seed's PyTorch recipe on the same synthetic battles.
// Environment: EXAMPLES (100000), DIMENSION (768), EPOCHS (10), REFERENCE_EPOCHS (1: the reference's speed per epoch is
// constant, and at about 6,900 examples/s its 10 epochs take 145 s), LARGE_MODELS (64), LARGE_EPOCHS (1),
// LARGE_REFERENCE_EPOCHS (0: reuse the 2-model reference speed, which does not depend on N), REFERENCE_THREADS (2),
// PYTHON (/usr/bin/python3).
// PyTorch's 2 OpenMP threads lose most of their speed when another process holds a core (their barriers spin), so the
// measured reference varies with the machine's load: the output also gives the ratio against the reference's figure
// on a quiet machine (6,900 examples/s, /work/shared/MEASUREMENTS.md) and the load averages.
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeJsonAtomic, writeSafetensors } from "@muffler/core";
import { syntheticBattles, type SyntheticBattles } from "../src/internal/synthetic-battles.ts";
import { train } from "../src/index.ts";

const here = dirname(fileURLToPath(import.meta.url));
const environment = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const examples = environment("EXAMPLES", 100_000);
const dimension = environment("DIMENSION", 768);
const epochs = environment("EPOCHS", 10);
const referenceEpochs = environment("REFERENCE_EPOCHS", 1);
const largeModels = environment("LARGE_MODELS", 64);
const largeEpochs = environment("LARGE_EPOCHS", 1);
const largeReferenceEpochs = environment("LARGE_REFERENCE_EPOCHS", 0);
const referenceThreads = environment("REFERENCE_THREADS", 2);
const documentedReferenceExamplesPerSecond = 6_900;
const python = process.env.PYTHON ?? "/usr/bin/python3";
const hasTorch = spawnSync(python, ["-c", "import torch"], { stdio: "ignore" }).status === 0;
if (!hasTorch) console.warn(`[bench:training] SKIPPING the PyTorch reference: ${python} cannot import torch (apt-get install python3-torch).`);

interface Case {
  models: number;
  epochs: number;
  seconds: number;
  cpuSeconds: number;
  examplesPerSecond: number;
  finalTrainLoss: number;
  reference: { epochs: number; seconds: number; examplesPerSecond: number; finalTrainLoss: number } | null;
  ratio: number | null;
}

async function measure(models: number, fusedEpochs: number, torchEpochs: number, knownReference?: Case["reference"]): Promise<Case> {
  const data = syntheticBattles({ battles: examples, models, dimension, seed: 1 });
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await train({ models: data.models, dimension, battles: data.battles, embeddings: data.embeddings, options: { epochs: fusedEpochs, engine: "fused" } });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const examplesPerSecond = (examples * fusedEpochs) / seconds;
  const reference = !hasTorch ? null : torchEpochs > 0 ? await runReference(data, torchEpochs) : (knownReference ?? null);
  return {
    models,
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
    await writeSafetensors(file, {
      embeddings: { shape: [examples, dimension], data: data.embeddings },
      winners: { shape: [examples], data: data.battles.winnerIds },
      losers: { shape: [examples], data: data.battles.loserIds },
      prompts: { shape: [examples], data: data.battles.promptIndices },
    });
    const child = spawnSync(python, [join(here, "reference_mf.py"), file, String(torchEpochs), String(referenceThreads)], { encoding: "utf8", maxBuffer: 1 << 24 });
    if (child.status !== 0) throw new Error(`reference_mf.py failed: ${child.stderr}`);
    const output = JSON.parse(child.stdout) as { seconds: number; examplesPerSecond: number; losses: number[] };
    return { epochs: torchEpochs, seconds: round(output.seconds), examplesPerSecond: Math.round(output.examplesPerSecond), finalTrainLoss: round(output.losses.at(-1)!, 5) };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

function round(value: number, digits = 3): number {
  return Number(value.toFixed(digits));
}

const loadBefore = loadavg()[0]!;
const main = await measure(2, epochs, referenceEpochs);
const large = largeModels > 0 ? await measure(largeModels, largeEpochs, largeReferenceEpochs, main.reference) : null;
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
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? "unknown", node: process.version, loadAverageBefore: round(loadBefore, 2), loadAverageAfter: round(loadavg()[0]!, 2) },
  command: "pnpm bench:training",
  measuredAt: new Date().toISOString(),
};
const target = resolve(here, "../../../bench-results/training.json");
await writeJsonAtomic(target, output);

const line = (label: string, item: Case) =>
  `${label.padEnd(12)} ${String(item.models).padStart(6)} ${String(item.epochs).padStart(6)} ${item.seconds.toFixed(2).padStart(9)} ${String(item.examplesPerSecond).padStart(12)} ${String(item.reference?.examplesPerSecond ?? "skipped").padStart(14)} ${String(item.ratio ?? "-").padStart(7)}`;
console.log(`${examples.toLocaleString("en-US")} battles, D = ${dimension}, batch 64, Adam; fused engine vs the seed's PyTorch recipe`);
console.log(`${"case".padEnd(12)} ${"models".padStart(6)} ${"epochs".padStart(6)} ${"seconds".padStart(9)} ${"examples/s".padStart(12)} ${"torch ex/s".padStart(14)} ${"ratio".padStart(7)}`);
console.log(line("main", main));
if (large) console.log(line(`${largeModels} models`, large));
console.log(`fused against the reference's documented quiet-machine speed (6,900 examples/s): ${output.ratioToDocumentedReference}x`);
console.log(`load average ${output.machine.loadAverageBefore} -> ${output.machine.loadAverageAfter} on ${output.machine.cpus} cpus; wrote ${target}`);
