/**
 * Bad input, broken files and a sick machine against the built-from-source CLI, one process per case: prints a
 * table of the exit code and the error code of each, and the counts. Rerun it after a change:
 *
 *   node --conditions=@muffler/source --import tsx packages/data/bench/fault-cases.ts [--markdown] [--repository <checkout>]
 *
 * `--repository` runs another checkout's CLI (for a before/after comparison; it needs its own `pnpm install`).
 * Cases that need root (a full disk through a small tmpfs, permissions enforced by running the CLI as `nobody`)
 * say "skipped" without it. Expected: no exit 2 and no exit 0 where an error is expected ("silent acceptance").
 */
import { fillDisk, mountSmallDisk, type SmallDisk } from "@muffler/core/testing";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repositoryFlag = process.argv.indexOf("--repository");
const repository = repositoryFlag > 0 ? resolve(process.argv[repositoryFlag + 1]!) : resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const markdown = process.argv.includes("--markdown");
const root = process.geteuid?.() === 0;
const work = await mkdtemp(join(tmpdir(), "muffler-fault-cases-"));
await chmod(work, 0o755);
const disks: SmallDisk[] = [];

interface Case {
  stage: "prepare" | "embed" | "train" | "run" | "cache";
  name: string;
  /** Returns the CLI arguments (after `muffler`), or a reason to skip. */
  setup: (folder: string) => Promise<string[] | { skip: string }>;
  /** Run the CLI as `nobody` (for permission cases when root). */
  unprivileged?: boolean;
  /** Expected error code; undefined: the command must succeed. */
  expect?: string;
}

const HEADER = "model_a,model_b,prompt,winner_model_a,winner_model_b,winner_tie";
const row = (index: number) => `strong,weak,prompt number ${index},${index % 2},${1 - (index % 2)},0`;
const rows = (n: number, from = 1) => Array.from({ length: n }, (_, offset) => row(from + offset));
async function file(folder: string, name: string, body: string | Buffer): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, body);
  return path;
}
const csv = (folder: string, name: string, lines: string[]) => file(folder, name, `${lines.join("\n")}\n`);
const goodCsv = (folder: string) => csv(folder, "battles.csv", [HEADER, ...rows(40)]);
const prepare = (input: string, run: string, ...more: string[]) => ["prepare", "--input", input, "--run", run, ...more];

async function smallDisk(sizeBytes: number): Promise<string | undefined> {
  if (!root) return undefined;
  const disk = await mountSmallDisk({ sizeBytes });
  if (disk) disks.push(disk);
  return disk?.path;
}


/** A prepared (and optionally embedded) run, made with the CLI itself. */
async function preparedRun(folder: string, options: { embed?: boolean; parent?: string } = {}): Promise<string> {
  const run = join(options.parent ?? folder, "run");
  const battles = await csv(folder, "battles.csv", [HEADER, ...rows(120)]);
  await muffler(prepare(battles, run, "--strong", "strong", "--weak", "weak"));
  if (options.embed) await muffler(["embed", "--run", run, "--embedder", "lexical"]);
  return run;
}

function muffler(args: string[], unprivileged = false): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ["--conditions=@muffler/source", "--import", "tsx", join(repository, "apps/cli/src/bin.ts"), ...args], {
      cwd: repository,
      env: { ...process.env, NO_COLOR: "1" },
      ...(unprivileged && root ? { uid: 65534, gid: 65534 } : {}),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += String(chunk)));
    child.stderr.on("data", (chunk: Buffer) => (stderr += String(chunk)));
    child.on("close", (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

const jsonl = (values: unknown[]) => `${values.map((value) => JSON.stringify(value)).join("\n")}\n`;
const battle = (prompt: unknown, extra: Record<string, unknown> = {}) => ({ model_a: "strong", model_b: "weak", prompt, winner_model_a: 1, winner_model_b: 0, winner_tie: 0, ...extra });

const CASES: Case[] = [
  // prepare: files
  { stage: "prepare", name: "input file does not exist", expect: "data/missing-file", setup: async (f) => prepare(join(f, "nope.csv"), join(f, "run")) },
  { stage: "prepare", name: "unknown extension (.xlsx)", expect: "data/unknown-format", setup: async (f) => prepare(await file(f, "b.xlsx", "x"), join(f, "run")) },
  { stage: "prepare", name: "empty file", expect: "data/empty-file", setup: async (f) => prepare(await file(f, "b.csv", ""), join(f, "run")) },
  { stage: "prepare", name: "header without rows", expect: "data/empty-file", setup: async (f) => prepare(await csv(f, "b.csv", [HEADER]), join(f, "run")) },
  { stage: "prepare", name: "corrupted parquet", expect: "data/corrupt-file", setup: async (f) => prepare(await file(f, "b.parquet", Buffer.concat([Buffer.from("PAR1"), Buffer.alloc(64, 7), Buffer.from("PAR1")])), join(f, "run")) },
  { stage: "prepare", name: "CSV not UTF-8 (latin1)", expect: "data/not-utf8", setup: async (f) => prepare(await file(f, "b.csv", Buffer.concat([Buffer.from(`${HEADER}\n${row(1)}\nstrong,weak,caf`), Buffer.from([0xe9]), Buffer.from(",1,0,0\n")])), join(f, "run")) },
  { stage: "prepare", name: "JSONL with a malformed line", expect: "data/corrupt-file", setup: async (f) => prepare(await file(f, "b.jsonl", `${JSON.stringify(battle("a"))}\n{"model_a": oops}\n`), join(f, "run")) },
  { stage: "prepare", name: "folder without table files", expect: "data/missing-file", setup: async (f) => (await mkdir(join(f, "empty")), prepare(join(f, "empty"), join(f, "run"))) },
  { stage: "prepare", name: "folder mixing csv and jsonl", expect: "data/unknown-format", setup: async (f) => (await mkdir(join(f, "mixed")), await goodCsv(join(f, "mixed")), await file(join(f, "mixed"), "b.jsonl", jsonl([battle("x")])), prepare(join(f, "mixed"), join(f, "run"))) },
  // prepare: CSV structure
  { stage: "prepare", name: "unclosed quote in row 2", expect: "data/unclosed-quote", setup: async (f) => prepare(await csv(f, "b.csv", [HEADER, row(1), 'strong,weak,"never closed,1,0,0', ...rows(30, 3)]), join(f, "run")) },
  { stage: "prepare", name: "unbalanced quote, more quoted rows after", expect: "data/unclosed-quote", setup: async (f) => prepare(await csv(f, "b.csv", [HEADER, 'strong,weak,"say "hi" now",1,0,0', 'strong,weak,"fine",0,1,0', ...rows(30, 3)]), join(f, "run")) },
  { stage: "prepare", name: "row 2 with too few fields", expect: "data/wrong-field-count", setup: async (f) => prepare(await csv(f, "b.csv", [HEADER, row(1), "strong,weak,p,1,0", ...rows(30, 3)]), join(f, "run")) },
  { stage: "prepare", name: "row 1 with too many fields", expect: "data/wrong-field-count", setup: async (f) => prepare(await csv(f, "b.csv", [HEADER, `${row(1)},extra`, ...rows(30, 2)]), join(f, "run")) },
  { stage: "prepare", name: "row 50,001 with too few fields", expect: "data/wrong-field-count", setup: async (f) => prepare(await csv(f, "b.csv", [HEADER, ...rows(50_000), "strong,weak,p,1,0", ...rows(10, 50_002)]), join(f, "run")) },
  { stage: "prepare", name: "TSV with a ragged row", expect: "data/wrong-field-count", setup: async (f) => prepare(await file(f, "b.tsv", `${HEADER.replaceAll(",", "\t")}\nstrong\tweak\tp\t1\t0\nstrong\tweak\tq\t0\t1\t0\n`), join(f, "run")) },
  { stage: "prepare", name: "duplicate column names (prompt,prompt)", expect: "data/duplicate-columns", setup: async (f) => prepare(await csv(f, "b.csv", ["model_a,model_b,prompt,prompt,winner_model_a,winner_model_b", "strong,weak,a,b,1,0", "strong,weak,c,d,0,1"]), join(f, "run")) },
  // prepare: columns and values
  { stage: "prepare", name: "missing column", expect: "data/missing-columns", setup: async (f) => prepare(await csv(f, "b.csv", ["model_a,model_b,prompt,winner_model_a", "a,b,c,1"]), join(f, "run")) },
  { stage: "prepare", name: "--column-map to an absent column", expect: "data/bad-column-map", setup: async (f) => prepare(await goodCsv(f), join(f, "run"), "--column-map", "prompt=question") },
  { stage: "prepare", name: "--column-map without =", expect: "data/bad-column-map", setup: async (f) => prepare(await goodCsv(f), join(f, "run"), "--column-map", "prompt") },
  { stage: "prepare", name: "--column-map key given twice", expect: "data/bad-column-map", setup: async (f) => prepare(await goodCsv(f), join(f, "run"), "--column-map", "prompt=prompt,prompt=model_a") },
  { stage: "prepare", name: "--alias key given twice", expect: "data/bad-option", setup: async (f) => prepare(await goodCsv(f), join(f, "run"), "--alias", "strong=x,strong=y") },
  { stage: "prepare", name: "prompt is a number (JSONL)", expect: "data/prompt-not-string", setup: async (f) => prepare(await file(f, "b.jsonl", jsonl([battle("a"), battle(42), battle("c")])), join(f, "run")) },
  { stage: "prepare", name: "JSON-list prompt, malformed JSON", expect: "data/prompt-not-string", setup: async (f) => prepare(await csv(f, "b.csv", [HEADER, 'strong,weak,"[""t1""]",1,0,0', 'strong,weak,"[""t2",0,1,0']), join(f, "run")) },
  { stage: "prepare", name: "JSON-list prompt [1,2] (CSV)", expect: "data/prompt-not-string", setup: async (f) => prepare(await csv(f, "b.csv", [HEADER, 'strong,weak,"[""t1""]",1,0,0', 'strong,weak,"[1,2]",0,1,0']), join(f, "run")) },
  { stage: "prepare", name: "JSON-list prompt with a number turn (JSONL, --all-turns)", expect: "data/prompt-not-string", setup: async (f) => prepare(await file(f, "b.jsonl", jsonl([battle(["t1"]), battle(["t2", 3]), battle("t3")])), join(f, "run"), "--all-turns") },
  { stage: "prepare", name: "prompt of spaces and tabs", expect: "data/empty-prompt", setup: async (f) => prepare(await csv(f, "b.csv", [HEADER, row(1), 'strong,weak," \t ",1,0,0', row(3)]), join(f, "run")) },
  { stage: "prepare", name: "prompt of U+00A0 only", expect: "data/empty-prompt", setup: async (f) => prepare(await csv(f, "b.csv", [HEADER, row(1), "strong,weak,\u00a0\u00a0,1,0,0", row(3)]), join(f, "run")) },
  { stage: "prepare", name: "prompt of U+3000 and U+2003", expect: "data/empty-prompt", setup: async (f) => prepare(await csv(f, "b.csv", [HEADER, row(1), "strong,weak,\u3000\u2003,1,0,0", row(3)]), join(f, "run")) },
  { stage: "prepare", name: "empty JSON list prompt []", expect: "data/empty-prompt", setup: async (f) => prepare(await csv(f, "b.csv", [HEADER, 'strong,weak,"[""t1""]",1,0,0', 'strong,weak,"[]",0,1,0']), join(f, "run")) },
  { stage: "prepare", name: "winner value 2", expect: "data/bad-winner", setup: async (f) => prepare(await csv(f, "b.csv", [HEADER, row(1), "strong,weak,p,2,0,0"]), join(f, "run")) },
  { stage: "prepare", name: "no outcome (all zero)", expect: "data/no-outcome", setup: async (f) => prepare(await csv(f, "b.csv", [HEADER, row(1), "strong,weak,p,0,0,0"]), join(f, "run")) },
  { stage: "prepare", name: "model_a equals model_b", expect: "data/same-model", setup: async (f) => prepare(await csv(f, "b.csv", [HEADER, row(1), "strong,strong,p,1,0,0"]), join(f, "run")) },
  { stage: "prepare", name: "empty model name", expect: "data/missing-value", setup: async (f) => prepare(await csv(f, "b.csv", [HEADER, ",weak,p,1,0,0", row(2)]), join(f, "run")) },
  { stage: "prepare", name: "strong model not in data", expect: "data/model-not-found", setup: async (f) => prepare(await goodCsv(f), join(f, "run"), "--strong", "gpt-5", "--weak", "weak") },
  { stage: "prepare", name: "weak model not in data", expect: "data/model-not-found", setup: async (f) => prepare(await goodCsv(f), join(f, "run"), "--strong", "strong", "--weak", "tiny") },
  { stage: "prepare", name: "--split-ratio 1.5", expect: "data/bad-option", setup: async (f) => prepare(await goodCsv(f), join(f, "run"), "--split-ratio", "1.5") },
  { stage: "prepare", name: "--seed -1", expect: "data/bad-option", setup: async (f) => prepare(await goodCsv(f), join(f, "run"), "--seed", "-1") },
  { stage: "prepare", name: "--tie-policy weak-wins without a pair", expect: "data/bad-option", setup: async (f) => prepare(await goodCsv(f), join(f, "run"), "--tie-policy", "weak-wins") },
  { stage: "prepare", name: "one battle only", expect: "data/too-few-rows", setup: async (f) => prepare(await csv(f, "b.csv", [HEADER, row(1)]), join(f, "run")) },
  // prepare: the file system
  { stage: "prepare", name: "input without read permission", expect: "core/permission-denied", unprivileged: true, setup: async (f) => (root ? (await chmod(await goodCsv(f), 0o000), prepare(join(f, "battles.csv"), join(f, "out", "run"))) : { skip: "needs root to run as nobody" }) },
  { stage: "prepare", name: "input is a symlink loop", expect: "core/symlink-loop", setup: async (f) => (await symlink(join(f, "b.csv"), join(f, "a.csv")), await symlink(join(f, "a.csv"), join(f, "b.csv")), prepare(join(f, "a.csv"), join(f, "run"))) },
  { stage: "prepare", name: "run folder's parent not writable", expect: "core/not-writable", unprivileged: true, setup: async (f) => (root ? (await goodCsv(f), await mkdir(join(f, "ro"), { mode: 0o555 }), prepare(join(f, "battles.csv"), join(f, "ro", "run"))) : { skip: "needs root to run as nobody" }) },
  { stage: "prepare", name: "--run is an existing file", expect: "core/not-a-directory", setup: async (f) => prepare(await goodCsv(f), await file(f, "run", "a file")) },
  {
    stage: "prepare",
    name: "full disk while writing the dataset",
    expect: "core/disk-full",
    setup: async (f) => {
      const disk = await smallDisk(256 * 1024);
      if (!disk) return { skip: "needs root to mount a tmpfs" };
      return prepare(await csv(f, "big.csv", [HEADER, ...Array.from({ length: 20_000 }, (_, i) => `strong,weak,${randomBytes(48).toString("hex")},${i % 2},${1 - (i % 2)},0`)]), join(disk, "run"));
    },
  },
  // embed
  { stage: "embed", name: "run without a prepared dataset", expect: "data/missing-dataset", setup: async (f) => ["embed", "--run", join(f, "nothing"), "--embedder", "lexical"] },
  { stage: "embed", name: "unknown embedder", expect: "embeddings/unknown-embedder", setup: async (f) => ["embed", "--run", await preparedRun(f), "--embedder", "bert"] },
  { stage: "embed", name: "--batch-size 0", expect: "embeddings/bad-option", setup: async (f) => ["embed", "--run", await preparedRun(f), "--embedder", "lexical", "--batch-size", "0"] },
  { stage: "embed", name: "--run is an existing file", expect: "data/missing-dataset", setup: async (f) => ["embed", "--run", await file(f, "run", "x"), "--embedder", "lexical"] },
  { stage: "embed", name: "--cache is an existing file", expect: "embeddings/bad-cache", setup: async (f) => ["embed", "--run", await preparedRun(f), "--embedder", "lexical", "--cache", await file(f, "cache", "x")] },
  { stage: "embed", name: "--cache folder not writable", expect: "core/not-writable", unprivileged: true, setup: async (f) => (root ? (await chmod(await preparedRun(f), 0o777), await mkdir(join(f, "ro"), { mode: 0o555 }), ["embed", "--run", join(f, "run"), "--embedder", "lexical", "--cache", join(f, "ro", "cache")]) : { skip: "needs root to run as nobody" }) },
  { stage: "embed", name: "benchmark path missing", expect: "data/missing-file", setup: async (f) => ["embed", "--benchmark", join(f, "nope"), "--cache", join(f, "cache"), "--embedder", "lexical"] },
  {
    stage: "embed",
    name: "full disk while embedding",
    expect: "core/disk-full",
    setup: async (f) => {
      const disk = await smallDisk(4 << 20);
      if (!disk) return { skip: "needs root to mount a tmpfs" };
      const run = await preparedRun(f, { parent: disk });
      await fillDisk({ folder: disk, leaveBytes: 100 * 1024 });
      return ["embed", "--run", run, "--embedder", "lexical"];
    },
  },
  // train
  { stage: "train", name: "run without embeddings", expect: "embeddings/missing-run-embeddings", setup: async (f) => ["train", "--run", await preparedRun(f), "--epochs", "1"] },
  { stage: "train", name: "--epochs -1", expect: "training/invalid-options", setup: async (f) => ["train", "--run", await preparedRun(f, { embed: true }), "--epochs", "-1"] },
  { stage: "train", name: "--engine unknown", expect: "training/invalid-options", setup: async (f) => ["train", "--run", await preparedRun(f, { embed: true }), "--engine", "gpu9000"] },
  { stage: "train", name: "--run without a dataset", expect: "data/missing-dataset", setup: async (f) => ["train", "--run", join(f, "nothing"), "--epochs", "1"] },
  {
    stage: "train",
    name: "full disk while writing checkpoints",
    expect: "core/disk-full",
    setup: async (f) => {
      const disk = await smallDisk(4 << 20);
      if (!disk) return { skip: "needs root to mount a tmpfs" };
      const run = await preparedRun(f, { parent: disk, embed: true });
      await fillDisk({ folder: disk, leaveBytes: 0 });
      return ["train", "--run", run, "--epochs", "1"];
    },
  },
  // run
  { stage: "run", name: "--config missing", expect: "cli/config-not-found", setup: async (f) => ["run", "--config", join(f, "nope.json")] },
  { stage: "run", name: "--config not JSON", expect: "cli/invalid-config", setup: async (f) => ["run", "--config", await file(f, "c.json", "{ nope")] },
  { stage: "run", name: "--config with a bad field", expect: "cli/invalid-config", setup: async (f) => ["run", "--config", await file(f, "c.json", JSON.stringify({ data: { input: "x", splitRatio: 3 } }))] },
  { stage: "run", name: "--run-dir is an existing file", expect: "core/not-a-directory", setup: async (f) => ["run", "--input", await goodCsv(f), "--strong", "strong", "--weak", "weak", "--embedder", "lexical", "--epochs", "1", "--run-dir", await file(f, "run", "x")] },
  // cache
  { stage: "cache", name: "cache compact on a missing folder", expect: "embeddings/bad-cache", setup: async (f) => ["cache", "compact", "--cache", join(f, "nope")] },
];

interface Outcome {
  stage: string;
  name: string;
  expected: string;
  exit: number | "skipped";
  code: string;
  verdict: "ok" | "EXIT 2" | "SILENT" | "other code" | "skipped";
}

const outcomes: Outcome[] = [];
for (const [index, testCase] of CASES.entries()) {
  const folder = join(work, `case-${index}`);
  await mkdir(folder, { recursive: true, mode: 0o777 });
  await chmod(folder, 0o777);
  const args = await testCase.setup(folder);
  if (!Array.isArray(args)) {
    outcomes.push({ stage: testCase.stage, name: testCase.name, expected: testCase.expect ?? "success", exit: "skipped", code: args.skip, verdict: "skipped" });
    continue;
  }
  const result = await muffler([...args, "--json"], testCase.unprivileged);
  let code = "";
  try {
    code = (JSON.parse(result.stdout) as { error?: { code?: string } }).error?.code ?? "";
  } catch {
    code = /error \[([^\]]+)\]/.exec(result.stderr)?.[1] ?? (result.stderr.split("\n")[0] ?? "").slice(0, 60);
  }
  const verdict = result.code === 2 ? "EXIT 2" : result.code === 0 && testCase.expect ? "SILENT" : testCase.expect === undefined || code === testCase.expect ? "ok" : "other code";
  outcomes.push({ stage: testCase.stage, name: testCase.name, expected: testCase.expect ?? "success", exit: result.code, code: code || "-", verdict });
  if (!markdown) process.stderr.write(`${String(result.code).padStart(2)}  ${testCase.stage.padEnd(8)} ${testCase.name.padEnd(52)} ${code}\n`);
}
for (const disk of disks) await disk.unmount();
await rm(work, { recursive: true, force: true });

const count = (verdict: Outcome["verdict"]) => outcomes.filter((outcome) => outcome.verdict === verdict).length;
const lines = [
  "| stage | case | exit | code |",
  "|---|---|---:|---|",
  ...outcomes.map((outcome) => `| ${outcome.stage} | ${outcome.name} | ${outcome.exit} | \`${outcome.code}\`${outcome.verdict === "ok" || outcome.verdict === "skipped" ? "" : ` **${outcome.verdict}** (expected \`${outcome.expected}\`)`} |`),
  "",
  `${outcomes.length} cases: ${count("ok")} with the expected code and exit 1, ${count("EXIT 2")} exit 2, ${count("SILENT")} accepted silently, ${count("other code")} with another code, ${count("skipped")} skipped (${root ? "root" : "not root"}).`,
];
process.stdout.write(`${lines.join("\n")}\n`);
process.exitCode = count("EXIT 2") + count("SILENT") + count("other code") > 0 ? 1 : 0;
