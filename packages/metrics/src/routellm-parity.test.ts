import { loadBenchmark, type Benchmark } from "@muffler/data";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateRouting, type EvaluationResult } from "./evaluate-routing.ts";

// Parity with RouteLLM's own metrics (issue 16): on real benchmark rows and the win rates of a small router trained
// here on real MMLU labels, `evaluationPoints: "quantile-bins"` must give RouteLLM's AUC, APGR and CPT(20/50/80 %) to
// 1e-9, as computed by ../shared/tools/routellm_metrics_check.py (a standard-library port of RouteLLM's
// benchmarks.py + generate_results, bit-identical to RouteLLM's functions).

const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));
const evals = join(repositoryRoot, "../shared/data/routellm-evals");
const checkScript = "../shared/tools/routellm_metrics_check.py"; // relative to the repository root, as its README says

/** The first interpreter that runs: pyenv's `python3` on PATH, else the system's. */
function findPython(): string | undefined {
  for (const candidate of ["python3", "/usr/bin/python3"]) {
    const probe = spawnSync(candidate, ["--version"], { encoding: "utf8" });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

const python = findPython();
const missing = [
  ...(existsSync(evals) ? [] : [`${evals} (../shared/data/routellm-evals)`]),
  ...(existsSync(join(repositoryRoot, checkScript)) ? [] : [`${join(repositoryRoot, checkScript)}`]),
  ...(python === undefined ? ["a python3 that runs (neither python3 on PATH nor /usr/bin/python3)"] : []),
];
if (missing.length > 0) console.warn(`SKIPPED: the RouteLLM parity checks need ${missing.join(" and ")}, which is absent.`);

function words(prompt: string): Set<string> {
  return new Set(prompt.toLowerCase().match(/[a-z0-9]+/g) ?? []);
}

/**
 * A small router trained on real labels: each word's mean gain (strong score minus weak score) over the training
 * prompts that contain it, shrunk towards the overall mean; a prompt's win rate is the logistic of the mean over its
 * words. Not a Muffler router and not a figure: it only supplies realistic, nearly continuous win rates.
 */
function trainWordGainRouter(benchmark: Benchmark, rows: (index: number) => boolean): (prompt: string) => number {
  const sums = new Map<string, number>();
  const counts = new Map<string, number>();
  let overall = 0;
  let trained = 0;
  benchmark.prompts.forEach((prompt, index) => {
    if (!rows(index)) return;
    const gain = benchmark.strongScores[index]! - benchmark.weakScores[index]!;
    overall += gain;
    trained++;
    for (const word of words(prompt)) {
      sums.set(word, (sums.get(word) ?? 0) + gain);
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  });
  const prior = overall / trained;
  const shrinkage = 20;
  return (prompt) => {
    let total = 0;
    let seen = 0;
    for (const word of words(prompt)) {
      const count = counts.get(word);
      if (count === undefined) continue;
      total += (sums.get(word)! + shrinkage * prior) / (count + shrinkage);
      seen++;
    }
    const score = seen === 0 ? prior : total / seen;
    return 1 / (1 + Math.exp(-10 * (score - prior)));
  };
}

interface RouteLlmFigures {
  auc: number;
  apgr: number;
  cpt20: number;
  cpt50: number;
  cpt80: number;
  n: number;
  score_scale: "percent" | "raw";
  points: { threshold: number; strong_pct: number; score: number }[];
}

/** Writes `win_rate,strong,weak` and runs RouteLLM's computation on it. */
function routeLlmFigures(directory: string, name: string, winRates: Float64Array, benchmark: Benchmark): RouteLlmFigures {
  const file = join(directory, `${name}.csv`);
  const lines = ["win_rate,strong,weak"];
  // String(number) is the shortest text that round-trips, so Python's float() reads back the same doubles.
  winRates.forEach((winRate, index) => lines.push(`${winRate},${benchmark.strongScores[index]},${benchmark.weakScores[index]}`));
  writeFileSync(file, `${lines.join("\n")}\n`);
  const run = spawnSync(python!, [checkScript, file], { cwd: repositoryRoot, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`${checkScript} ${file} exited ${run.status}: ${run.stdout}${run.stderr}`);
  return JSON.parse(run.stdout) as RouteLlmFigures;
}

describe.skipIf(missing.length > 0)("quantile-bins reproduces RouteLLM's AUC, APGR and CPT on real benchmarks", () => {
  let directory: string;
  const loaded = new Map<string, Benchmark>();
  const winRatesOf = new Map<string, Float64Array>();

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), "muffler-routellm-parity-"));
    for (const name of ["mmlu", "gsm8k", "mt_bench"]) loaded.set(name, await loadBenchmark({ path: join(evals, name) }));
    // MMLU: two halves, each routed by the router trained on the other (out of sample); GSM8K and MT-Bench: routed by
    // the router trained on all of MMLU (transfer, as the README's rows).
    const mmlu = loaded.get("mmlu")!;
    const routers = [0, 1].map((half) => trainWordGainRouter(mmlu, (index) => index % 2 !== half));
    winRatesOf.set("mmlu", Float64Array.from(mmlu.prompts, (prompt, index) => routers[index % 2]!(prompt)));
    const transfer = trainWordGainRouter(mmlu, () => true);
    for (const name of ["gsm8k", "mt_bench"]) winRatesOf.set(name, Float64Array.from(loaded.get(name)!.prompts, transfer));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it.each(["mmlu", "gsm8k", "mt_bench"])("%s: AUC, APGR, CPT(20), CPT(50) and CPT(80) equal RouteLLM's to 1e-9", (name) => {
    const benchmark = loaded.get(name)!;
    const winRates = winRatesOf.get(name)!;
    expect(new Set(winRates).size).toBeGreaterThan(benchmark.prompts.length / 2); // nearly continuous, as a real router's
    const routeLlm = routeLlmFigures(directory, name, winRates, benchmark);
    const muffler: EvaluationResult = evaluateRouting({
      benchmark: name,
      router: "word-gain",
      winRates,
      strongScores: benchmark.strongScores,
      weakScores: benchmark.weakScores,
      evaluationPoints: "quantile-bins",
    });
    expect(routeLlm.n).toBe(benchmark.prompts.length);
    // RouteLLM reports correctness benchmarks in percent (accuracy x 100); Muffler in the score's own unit.
    const scale = routeLlm.score_scale === "percent" ? 100 : 1;
    const got = { auc: muffler.auc * scale, apgr: muffler.apgr, cpt20: muffler.cpt20, cpt50: muffler.cpt50, cpt80: muffler.cpt80 };
    const want = { auc: routeLlm.auc, apgr: routeLlm.apgr, cpt20: routeLlm.cpt20, cpt50: routeLlm.cpt50, cpt80: routeLlm.cpt80 };
    const differences = (Object.keys(want) as (keyof typeof want)[])
      .filter((key) => !(Math.abs(got[key] - want[key]) <= 1e-9))
      .map((key) => `${key}: Muffler ${got[key]}, RouteLLM ${want[key]}`);
    expect(differences, `${name}: figures that differ by more than 1e-9`).toEqual([]);
    // The same 11 points: thresholds and strong-call shares, the 0 % point at the top edge included.
    const mufflerShares = muffler.curve.map((point) => point.strongCallPercent).sort((a, b) => a - b);
    const routeLlmShares = routeLlm.points.map((point) => point.strong_pct).sort((a, b) => a - b);
    expect(mufflerShares).toHaveLength(11);
    mufflerShares.forEach((share, index) => expect(Math.abs(share - routeLlmShares[index]!)).toBeLessThanOrEqual(1e-9));
    const mufflerThresholds = muffler.curve.map((point) => point.threshold).sort((a, b) => a - b);
    expect(mufflerThresholds).toEqual(routeLlm.points.map((point) => point.threshold).sort((a, b) => a - b));
  });
});
