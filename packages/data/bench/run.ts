/**
 * `pnpm bench:data`: prepares 1,000,000 synthetic battles from CSV as a whole `muffler prepare` process (read,
 * validate, split, encode, RMOTE-balance, write parquet) and, when Python with pandas is installed, the seed's pandas
 * recipe on the same file in the same run as a reference. Writes bench-results/data.json and prints a table.
 *
 * Environment: BENCH_ROWS (default 1000000), BENCH_RUNS (default 3; the median is reported).
 */
import { writeJsonAtomic } from "@muffler/core";
import { prepareDataset } from "@muffler/data";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));
const rows = Number(process.env["BENCH_ROWS"] ?? 1_000_000);
const runs = Number(process.env["BENCH_RUNS"] ?? 3);
// The `muffler` a user runs is the built CLI (`apps/cli/dist/bin.js`, the package's bin), so that is what is timed;
// turbo builds it (and the packages it imports) first, from cache when nothing changed.
const build = spawnSync("pnpm", ["exec", "turbo", "run", "build", "--filter=@muffler/cli...", "--output-logs=errors-only"], { cwd: repositoryRoot, encoding: "utf8" });
if (build.status !== 0) throw new Error(`building the CLI failed:\n${build.stdout}\n${build.stderr}`);
const cli = [join(repositoryRoot, "apps/cli/dist/bin.js")];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs a command to completion and returns its wall time in seconds (throws when it fails). */
function timed(command: string, args: string[]): { seconds: number; stdout: string } {
  const start = performance.now();
  const result = spawnSync(command, args, { cwd: repositoryRoot, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - start) / 1000;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${result.stderr}`);
  return { seconds, stdout: result.stdout };
}

function findPandas(): { python: string; version: string } | undefined {
  for (const python of ["python3", "/usr/bin/python3"]) {
    const probe = spawnSync(python, ["-c", "import pandas; print(pandas.__version__)"], { encoding: "utf8" });
    if (probe.status === 0) return { python, version: probe.stdout.trim() };
  }
  return undefined;
}

const work = await mkdtemp(join(tmpdir(), "muffler-bench-data-"));
try {
  console.log(`Generating ${rows.toLocaleString("en-US")} synthetic battles (not timed)...`);
  timed(process.execPath, [...cli, "datasets", "synth", "--out", work, "--battles", String(rows), "--seed", "0", "--no-metadata", "--benchmark-prompts", "10", "--json"]);
  const input = join(work, "synthetic-battles.csv");
  const prepareArgs = [...cli, "prepare", "--input", input, "--run", join(work, "run"), "--strong", "synthetic/strong-model", "--weak", "synthetic/weak-model", "--balance", "--json"];

  const loadAtStart = loadavg()[0]!;
  const startup = timed(process.execPath, [...cli, "--help"]).seconds;
  const pandas = findPandas();
  if (!pandas) console.log("pandas not found (python3 -c 'import pandas' failed): no reference timing. On Debian: apt-get install python3-pandas");
  // muffler and pandas alternate, so that both see the same load on a shared machine.
  const processSeconds: number[] = [];
  const pandasSeconds: number[] = [];
  for (let run = 0; run < runs; run++) {
    const { seconds } = timed(process.execPath, prepareArgs);
    processSeconds.push(seconds);
    console.log(`muffler prepare run ${run + 1}: ${seconds.toFixed(2)} s`);
    if (pandas) {
      const reference = timed(pandas.python, [join(repositoryRoot, "packages/data/bench/pandas_reference.py"), input, join(work, "pandas")]).seconds;
      pandasSeconds.push(reference);
      console.log(`pandas reference run ${run + 1}: ${reference.toFixed(2)} s`);
    }
  }
  const inProcessStart = performance.now();
  const { manifest } = await prepareDataset({ input, runDirectory: join(work, "in-process"), strongModel: "synthetic/strong-model", weakModel: "synthetic/weak-model", balance: true });
  const inProcess = (performance.now() - inProcessStart) / 1000;

  const seconds = median(processSeconds);
  const result = {
    rows,
    seconds,
    rowsPerSecond: Math.round(rows / seconds),
    what: "whole `muffler prepare` process of the built CLI (node + CLI startup included) on a CSV of synthetic battles: read, validate, split 95/5 (seeded), encode, RMOTE-balance the train split, write 4 parquet files and the manifest",
    command: "node apps/cli/dist/bin.js prepare --input <synthetic-battles.csv> --run <dir> --strong synthetic/strong-model --weak synthetic/weak-model --balance --json",
    note: "pandas keeps ties (as tie_negative) and writes CSV; muffler drops ties (the default policy) and writes parquet. Wall times on a shared machine vary with its load: compare the two figures of one run.",
    runs: processSeconds,
    kept: manifest.counts?.kept,
    inProcessSeconds: inProcess,
    cliStartupSeconds: startup,
    pandas: pandas ? { seconds: median(pandasSeconds), runs: pandasSeconds, version: pandas.version, python: pandas.python, script: "packages/data/bench/pandas_reference.py (writes CSV: no pyarrow)" } : null,
    speedupVsPandas: pandas ? median(pandasSeconds) / seconds : null,
    machine: { cpus: cpus().length, loadAverage1mAtStart: loadAtStart, loadAverage1m: loadavg()[0], node: process.version },
    measuredAt: new Date().toISOString(),
  };
  await writeJsonAtomic(join(repositoryRoot, "bench-results", "data.json"), result);
  const line = (name: string, value: string) => `${name.padEnd(34)} ${value}`;
  console.log(
    [
      "",
      line("rows", rows.toLocaleString("en-US")),
      line("muffler prepare (whole process)", `${seconds.toFixed(2)} s  (${result.rowsPerSecond.toLocaleString("en-US")} rows/s, median of ${runs})`),
      line("  of which CLI startup (--help)", `${startup.toFixed(2)} s`),
      line("prepareDataset in process", `${inProcess.toFixed(2)} s`),
      line("pandas reference (whole process)", pandas ? `${median(pandasSeconds).toFixed(2)} s (pandas ${pandas.version})` : "not run"),
      line("speed-up vs pandas", result.speedupVsPandas ? `${result.speedupVsPandas.toFixed(1)}x (target >= 5x)` : "n/a"),
      line("load average (1 min) start / end", `${loadAtStart.toFixed(1)} / ${loadavg()[0]!.toFixed(1)}`),
      "",
      "Written to bench-results/data.json",
    ].join("\n"),
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
