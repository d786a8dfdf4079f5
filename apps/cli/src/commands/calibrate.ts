import { Command } from "commander";
import { formatTable, printResult } from "../cli-output.ts";
import { calibrateRun, type CalibrateRunResult } from "@muffler/evaluation";
import { parsePercentList } from "../parse-flags.ts";
import { createProgressBar } from "../progress-bar.ts";

interface CalibrateFlags {
  run: string;
  strongPercents?: string;
  prompts?: string;
  cache?: string;
  json?: boolean;
}

/** `muffler calibrate`: thresholds for target strong-call percentages, stored in the router manifest. */
export function calibrateCommand(): Command {
  return new Command("calibrate")
    .description("Calibrate routing thresholds for target strong-call percentages (from the test split or a prompts file) and store them in router/router.json.")
    .requiredOption("--run <dir>", "a trained run directory")
    .option("--strong-percents <list>", "target percents of calls to the strong model (default 0,10,...,100)")
    .option("--prompts <file>", "prompts standing for real traffic (.txt one per line, .jsonl, .json array) to calibrate on instead of the test split")
    .option("--cache <dir>", "embeddings cache (default <run>/embeddings/cache)")
    .option("--json", "print the result as JSON")
    .action(async (flags: CalibrateFlags) => {
      const bar = createProgressBar({ enabled: !flags.json });
      let result: CalibrateRunResult;
      try {
        const strongPercents = parsePercentList(flags.strongPercents, "--strong-percents");
        result = await calibrateRun({
          runDirectory: flags.run,
          ...(strongPercents !== undefined && { strongPercents }),
          ...(flags.prompts !== undefined && { promptsFile: flags.prompts }),
          ...(flags.cache !== undefined && { cacheDirectory: flags.cache }),
          onProgress: bar.onProgress,
        });
      } finally {
        bar.finish();
      }
      printResult(flags, result, () => summary(result));
    });
}

function summary(result: CalibrateRunResult): string {
  const rows = result.calibration.thresholds.map((entry) => [
    entry.strongPercent,
    entry.threshold,
    entry.strongCallPercent,
    entry.accuracy,
    entry.precisionStrong,
    entry.recallStrong,
    entry.f1Strong,
    entry.f1Weak,
  ]);
  return [
    `thresholds calibrated on ${result.calibratedOn} (${result.calibrationRows} prompts), stored in ${result.routerManifest}`,
    `classification on the test split (${result.calibration.rows} battles; positive = the strong model was needed; ROC AUC ${
      result.calibration.rocAuc === undefined || Number.isNaN(result.calibration.rocAuc) ? "undefined" : result.calibration.rocAuc.toFixed(4)
    }):`,
    formatTable(["target strong %", "threshold", "strong calls %", "accuracy", "precision(strong)", "recall(strong)", "F1(strong)", "F1(weak)"], rows),
    `written: ${result.calibrationFile}`,
  ].join("\n");
}
