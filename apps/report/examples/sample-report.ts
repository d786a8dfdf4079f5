// Writes two synthetic runs and the report comparing them, then prints where the report is.
// Run: node --conditions=@muffler/source --import tsx apps/report/examples/sample-report.ts [output-folder]
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildReport, writeSampleRun } from "@muffler/report";

const folder = process.argv[2] ?? (await mkdtemp(join(tmpdir(), "muffler-report-example-")));
const baseline = join(folder, "baseline");
const balanced = join(folder, "balanced");
await writeSampleRun({ runDirectory: baseline, seed: 1, routerQuality: 0.45 });
await writeSampleRun({ runDirectory: balanced, seed: 2, routerQuality: 0.7 });
const startedAt = performance.now();
const report = await buildReport({ runDirectories: [baseline, balanced], outputPath: join(folder, "report.html") });
console.log(`report of ${report.runNames.join(" and ")} written to ${report.outputPath} in ${((performance.now() - startedAt) / 1000).toFixed(2)} s`);
