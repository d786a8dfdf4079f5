// The foundations every Muffler package stands on: typed errors, atomic writes, content hashes, seeded randomness,
// JSON Lines and the run directory's paths.
// Run from the repository root: node --conditions=@muffler/source --import tsx packages/core/examples/core-basics.ts
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashJson, isMufflerError, parseJsonLines, runPaths, SeededRandom, writeJsonAtomic } from "@muffler/core";

const folder = await mkdtemp(join(tmpdir(), "muffler-core-"));
try {
  const paths = runPaths(join(folder, "runs", "demo"));
  await writeJsonAtomic(paths.dataset.manifest, { rows: 3 }); // temp file + rename: never half-written
  console.log("wrote", paths.dataset.manifest, await readFile(paths.dataset.manifest, "utf8"));
  console.log("content hash", hashJson({ b: 2, a: 1 }) === hashJson({ a: 1, b: 2 }) ? "ignores key order" : "differs");
  const random = new SeededRandom(0);
  console.log("seeded draws", random.next().toFixed(6), random.int(10));
  try {
    parseJsonLines<"example/bad-line">('{"prompt": "hi"}\n{oops\n', { file: "prompts.jsonl", code: "example/bad-line" });
  } catch (error) {
    if (isMufflerError(error)) console.log(`${error.code}: ${error.message}`);
  }
} finally {
  await rm(folder, { recursive: true, force: true });
}
