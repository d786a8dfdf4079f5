// Run: node --conditions=@muffler/source --import tsx examples/cross-validate-tiny.ts
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeSyntheticMmlu } from "@muffler/datasets";
import { crossValidateBenchmark } from "@muffler/evaluation";

// A SYNTHETIC benchmark in RouteLLM's MMLU layout: 60 algebra questions (the strong model needed) and 60 history ones.
const folder = await mkdtemp(join(tmpdir(), "muffler-evaluation-example-"));
try {
  const benchmark = await writeSyntheticMmlu({ directory: join(folder, "mmlu") });
  const result = await crossValidateBenchmark({
    benchmark,
    k: 3,
    seed: 0,
    embedder: "lexical",
    settings: { training: { epochs: 40, learningRate: 0.01, hidden: 16 } },
    outDirectory: join(folder, "out"),
  });
  const { mean, standardDeviation } = result.foldApgr!;
  console.log(`per-fold APGR ${mean.toFixed(3)} +- ${standardDeviation.toFixed(3)} (${result.folds!.length} folds), pooled ${result.apgr.toFixed(3)}`);
  console.log(`random ${result.random.apgr.toFixed(3)}, oracle ${result.oracle.apgr.toFixed(3)}; CPT(50%) ${result.cpt50.toFixed(1)}%`);
  console.log(`files: ${result.directory}`);
} finally {
  await rm(folder, { recursive: true, force: true });
}
