import { readFile } from "node:fs/promises";
import { MufflerError, runPaths, writeJsonAtomic } from "@muffler/core";
import { z } from "zod";
import { CLI_ERROR_CODES } from "../errors.ts";

export const PIPELINE_STAGES = ["prepare", "embed", "train", "calibrate", "evaluate", "report"] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

const stageRecordSchema = z.object({
  inputHash: z.string(),
  completedAt: z.string(),
  seconds: z.number(),
  summary: z.record(z.string(), z.unknown()).optional(),
});
export type StageRecord = z.infer<typeof stageRecordSchema>;

const runStateSchema = z.object({
  format: z.literal("muffler-run"),
  version: z.literal(1),
  config: z.record(z.string(), z.unknown()),
  versions: z.record(z.string(), z.string()),
  stages: z.partialRecord(z.enum(PIPELINE_STAGES), stageRecordSchema),
});
export type RunState = z.infer<typeof runStateSchema>;

/** Reads `run.json`, or returns undefined when the run has not started. A damaged file is an error, not a fresh start. */
export async function readRunState(runDirectory: string): Promise<RunState | undefined> {
  const path = runPaths(runDirectory).runJson;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MufflerError("run.json is not valid JSON.", { code: CLI_ERROR_CODES.invalidRunState, file: path, cause: error, hint: "Delete run.json to run every stage again." });
  }
  const result = runStateSchema.safeParse(value);
  if (!result.success) {
    throw new MufflerError(`run.json does not describe a Muffler run (${result.error.issues[0]?.message}).`, {
      code: CLI_ERROR_CODES.invalidRunState,
      file: path,
      field: result.error.issues[0]?.path.join("."),
      hint: "Delete run.json to run every stage again, or pick another run directory.",
    });
  }
  return result.data;
}

export async function writeRunState(runDirectory: string, state: RunState): Promise<void> {
  await writeJsonAtomic(runPaths(runDirectory).runJson, state);
}
