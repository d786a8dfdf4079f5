import { runPaths, type OnProgress } from "@muffler/core";
import { readDatasetManifest, readPreparedBattles } from "@muffler/data";
import { readRunEmbeddings } from "@muffler/embeddings";
import { calibrateThresholds, classificationMetrics, rocAuc, writeCalibrationFile, type CalibrationFile } from "@muffler/metrics";
import { saveRouterBundle } from "@muffler/model";
import { embedTexts } from "./embed-texts.ts";
import { readPromptsFile } from "./read-prompts-file.ts";
import { loadRunRouter } from "./route-benchmark.ts";

/** Options of {@link calibrateRun}. */
export interface CalibrateRunOptions {
  /** A trained run directory. */
  runDirectory: string;
  /** Target shares of strong calls, in percent. @default 0, 10, ..., 100 */
  strongPercents?: number[];
  /** A file of prompts standing for traffic (see readPromptsFile); thresholds come from its win rates instead of the test split's. @default undefined (the test split) */
  promptsFile?: string;
  /** @default `<run>/embeddings/cache` */
  cacheDirectory?: string;
  onProgress?: OnProgress;
}

/** What {@link calibrateRun} did. */
export interface CalibrateRunResult {
  /** `test`, or the prompts file. */
  calibratedOn: string;
  /** Prompts whose win rates gave the thresholds. */
  calibrationRows: number;
  routerManifest: string;
  calibrationFile: string;
  calibration: CalibrationFile;
}

/**
 * Calibrates the thresholds of a run's router for target strong percents from the win rates of the run's test split
 * (one per battle) or of a prompts file, stores them in `router/router.json` (`thresholds`), and writes
 * `evaluation/calibration.json` with the classification figures of each threshold on the test split (positive = the
 * strong model won the battle; battles between other models are left out).
 */
export async function calibrateRun(options: CalibrateRunOptions): Promise<CalibrateRunResult> {
  const run = options.runDirectory;
  const loaded = await loadRunRouter(run);
  const cacheDirectory = options.cacheDirectory ?? runPaths(run).embeddingsFiles.cache;
  const embed = async (texts: readonly string[]) => {
    const embedded = await embedTexts({
      embedder: loaded.manifest.embedder,
      texts,
      cacheDirectory,
      ...(options.onProgress !== undefined && { onProgress: options.onProgress }),
    });
    return loaded.router.winRates(loaded.strongId, loaded.weakId, embedded.data);
  };

  // The test split: its prompts' win rates (the run's saved embeddings when they are the router's embedder's).
  const battles = await readPreparedBattles(run, "test");
  const dataset = await readDatasetManifest(run);
  let promptWinRates: Float64Array;
  const saved = await readRunEmbeddings(run, "test").catch(() => undefined);
  if (saved !== undefined && saved.embedderId === loaded.manifest.embedder.id && saved.rows === battles.prompts.length) {
    promptWinRates = loaded.router.winRates(loaded.strongId, loaded.weakId, saved.data);
  } else promptWinRates = await embed(battles.prompts);
  const { strongModel, weakModel } = loaded.manifest;
  const testWinRates: number[] = [];
  const strongNeeded: number[] = [];
  for (let i = 0; i < battles.winnerIds.length; i++) {
    const winner = dataset.models[battles.winnerIds[i]!];
    const loser = dataset.models[battles.loserIds[i]!];
    const pair = (winner === strongModel && loser === weakModel) || (winner === weakModel && loser === strongModel);
    if (!pair) continue;
    testWinRates.push(promptWinRates[battles.promptIndices[i]!]!);
    strongNeeded.push(winner === strongModel ? 1 : 0);
  }

  let calibratedOn = "test";
  let calibrationWinRates: ArrayLike<number> = testWinRates;
  if (options.promptsFile !== undefined) {
    calibratedOn = options.promptsFile;
    calibrationWinRates = await embed(await readPromptsFile(options.promptsFile));
  }
  const thresholds = calibrateThresholds({
    winRates: calibrationWinRates.length > 0 ? calibrationWinRates : promptWinRates,
    ...(options.strongPercents !== undefined && { strongPercents: options.strongPercents }),
  });
  const calibration: CalibrationFile = {
    split: "test",
    rows: testWinRates.length,
    ...(testWinRates.length > 0 && { rocAuc: rocAuc({ scores: testWinRates, labels: strongNeeded }) }),
    thresholds:
      testWinRates.length === 0
        ? []
        : thresholds.map(({ strongPercent, threshold }) => classificationMetrics({ winRates: testWinRates, strongNeeded, threshold, strongPercent })),
  };
  const manifest = { ...loaded.manifest, thresholds: thresholds.map((entry) => ({ ...entry, calibratedOn })) };
  await saveRouterBundle(runPaths(run).router.root, { parameters: loaded.parameters, manifest });
  const calibrationFile = await writeCalibrationFile({ runDirectory: run, calibration: { ...calibration, calibratedOn } });
  return {
    calibratedOn,
    calibrationRows: calibrationWinRates.length > 0 ? calibrationWinRates.length : promptWinRates.length,
    routerManifest: runPaths(run).router.manifest,
    calibrationFile,
    calibration,
  };
}
