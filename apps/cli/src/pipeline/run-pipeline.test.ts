import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type StageDefinition, runPipeline } from "./run-pipeline.ts";
import type { PipelineStage } from "./run-state.ts";

interface FakeContext {
  directory: string;
  options: Record<string, number>;
  calls: string[];
  failAt?: string;
}

function fakeStage(name: PipelineStage): StageDefinition<FakeContext> {
  return {
    name,
    enabled: () => true,
    inputs: (context) => context.options[name] ?? 0,
    outputsExist: async (context) => existsSync(join(context.directory, `${name}.out`)),
    async execute(context) {
      if (context.failAt === name) throw new Error(`${name} was interrupted`);
      context.calls.push(name);
      await writeFile(join(context.directory, `${name}.out`), "done");
      return { rows: 1 };
    },
  };
}

const stages = (["prepare", "embed", "train"] as const).map(fakeStage);

describe("runPipeline", () => {
  it("skips unchanged stages, reruns a changed stage and everything after it", async () => {
    const directory = await mkdtemp(join(tmpdir(), "muffler-run-"));
    const context: FakeContext = { directory, options: {}, calls: [] };
    const first = await runPipeline({ runDirectory: directory, config: {}, context, stages });
    expect(first.map((outcome) => outcome.status)).toEqual(["ran", "ran", "ran"]);

    context.calls = [];
    const second = await runPipeline({ runDirectory: directory, config: {}, context, stages });
    expect(second.map((outcome) => outcome.status)).toEqual(["skipped", "skipped", "skipped"]);
    expect(context.calls).toEqual([]);

    context.options = { embed: 1 };
    await runPipeline({ runDirectory: directory, config: {}, context, stages });
    expect(context.calls).toEqual(["embed", "train"]);

    context.calls = [];
    await rm(join(directory, "train.out"));
    await runPipeline({ runDirectory: directory, config: {}, context, stages });
    expect(context.calls).toEqual(["train"]);
  });

  it("resumes an interrupted run at the stage that did not finish", async () => {
    const directory = await mkdtemp(join(tmpdir(), "muffler-run-"));
    const context: FakeContext = { directory, options: {}, calls: [], failAt: "train" };
    await expect(runPipeline({ runDirectory: directory, config: {}, context, stages })).rejects.toThrow("train was interrupted");
    const state = JSON.parse(await readFile(join(directory, "run.json"), "utf8")) as { stages: Record<string, unknown> };
    expect(Object.keys(state.stages)).toEqual(["prepare", "embed"]);

    context.failAt = undefined;
    context.calls = [];
    const outcomes = await runPipeline({ runDirectory: directory, config: {}, context, stages });
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["skipped", "skipped", "ran"]);
    expect(context.calls).toEqual(["train"]);
  });
});
