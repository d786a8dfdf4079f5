import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DATA_ERROR_CODES } from "./errors.ts";
import { listTree, temporaryFolder, writeCsv, writeJsonLines } from "./internal/test-helpers.ts";
import { loadBenchmark } from "./load-benchmark.ts";
import { prepareDataset, type PrepareDatasetOptions } from "./prepare-dataset.ts";

let folder: { path: string; cleanup: () => Promise<void> };
let run: string;
beforeEach(async () => {
  folder = await temporaryFolder();
  run = join(folder.path, "run");
});
afterEach(async () => {
  await folder.cleanup();
});

const good = (overrides: Record<string, unknown> = {}) => ({ model_a: "strong", model_b: "weak", prompt: "What is 2 + 2?", winner_model_a: 1, winner_model_b: 0, winner_tie: 0, ...overrides });
const rows = (n: number) => Array.from({ length: n }, (_, index) => good({ prompt: `prompt ${index}`, winner_model_a: index % 2, winner_model_b: 1 - (index % 2) }));

interface Expected {
  code: string;
  file?: string;
  row?: number;
  column?: string;
  message?: RegExp;
}

/** Runs prepare, expects the error, and checks that the run directory holds nothing (not even an empty folder). */
async function expectFailure(options: Omit<PrepareDatasetOptions, "runDirectory">, expected: Expected): Promise<void> {
  const error = await prepareDataset({ ...options, runDirectory: run }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error, "prepareDataset should have failed").toBeDefined();
  expect(error).toMatchObject({ name: "MufflerError", code: expected.code, kind: "input" });
  const { message, location } = error as { message: string; location: Record<string, unknown> };
  if (expected.file !== undefined) {
    expect(location["file"]).toBe(expected.file);
    expect(message).toContain(expected.file);
  }
  if (expected.row !== undefined) {
    expect(location["row"]).toBe(expected.row);
    expect(message).toContain(`row ${expected.row}`);
  }
  if (expected.column !== undefined) {
    expect(location["column"]).toBe(expected.column);
    expect(message).toContain(`"${expected.column}"`);
  }
  if (expected.message) expect(message).toMatch(expected.message);
  expect(await listTree(run)).toEqual([]);
}

describe("bad input: files", () => {
  it("a missing file", async () => {
    const input = join(folder.path, "nope.csv");
    await expectFailure({ input }, { code: DATA_ERROR_CODES.missingFile, file: input, message: /not found/ });
  });

  it("an unknown format", async () => {
    const input = join(folder.path, "battles.xlsx");
    await writeFile(input, "not a table");
    await expectFailure({ input }, { code: DATA_ERROR_CODES.unknownFormat, file: input, message: /\.xlsx/ });
  });

  it("an empty file", async () => {
    const input = join(folder.path, "empty.csv");
    await writeFile(input, "");
    await expectFailure({ input }, { code: DATA_ERROR_CODES.emptyFile, file: input });
  });

  it("a CSV with a header and no rows", async () => {
    const input = join(folder.path, "header.csv");
    await writeFile(input, "model_a,model_b,prompt,winner_model_a,winner_model_b,winner_tie\n");
    await expectFailure({ input }, { code: DATA_ERROR_CODES.emptyFile, file: input, message: /no data rows/ });
  });

  it("a CSV with a header of other columns and no rows: no data rows is said first", async () => {
    const input = join(folder.path, "other-header.csv");
    await writeFile(input, "question,left,right\n");
    await expectFailure({ input }, { code: DATA_ERROR_CODES.emptyFile, file: input, message: /no data rows/ });
  });

  it("a corrupted parquet file", async () => {
    const input = join(folder.path, "battles.parquet");
    await writeFile(input, Buffer.concat([Buffer.from("PAR1"), Buffer.alloc(64, 7), Buffer.from("PAR1")]));
    await expectFailure({ input }, { code: DATA_ERROR_CODES.corruptFile, file: input, message: /parquet/ });
  });

  it("a CSV that is not UTF-8", async () => {
    const input = join(folder.path, "latin1.csv");
    await writeFile(input, Buffer.concat([Buffer.from("model_a,model_b,prompt,winner_model_a,winner_model_b\nstrong,weak,fine,1,0\nstrong,weak,caf"), Buffer.from([0xe9]), Buffer.from(",1,0\n")]));
    await expectFailure({ input }, { code: DATA_ERROR_CODES.notUtf8, file: input, row: 2, message: /UTF-8/ });
  });

  it("a JSONL file with a malformed line", async () => {
    const input = join(folder.path, "battles.jsonl");
    await writeFile(input, `${JSON.stringify(good())}\n{"model_a": "strong", oops}\n`);
    await expectFailure({ input }, { code: DATA_ERROR_CODES.corruptFile, file: input, row: 2 });
  });
});

describe("bad input: columns and values", () => {
  it("missing columns", async () => {
    const input = await writeCsv(join(folder.path, "battles.csv"), rows(4).map(({ winner_model_b: _, ...rest }) => rest));
    await expectFailure({ input }, { code: DATA_ERROR_CODES.missingColumns, file: input, column: "winner_model_b", message: /the file has: model_a, model_b, prompt, winner_model_a, winner_tie/ });
  });

  it("a column mapping to a column that does not exist", async () => {
    const input = await writeCsv(join(folder.path, "battles.csv"), rows(4));
    await expectFailure({ input, columnMap: { prompt: "question" } }, { code: DATA_ERROR_CODES.badColumnMap, file: input, column: "question" });
  });

  it("a prompt that is not a string", async () => {
    const input = await writeJsonLines(join(folder.path, "battles.jsonl"), [good(), good({ prompt: 42 }), good()]);
    await expectFailure({ input }, { code: DATA_ERROR_CODES.promptNotString, file: input, row: 2, column: "prompt", message: /42/ });
  });

  it("an empty prompt", async () => {
    const input = await writeCsv(join(folder.path, "battles.csv"), [...rows(2), good({ prompt: " \n\t " }), ...rows(2)]);
    await expectFailure({ input }, { code: DATA_ERROR_CODES.emptyPrompt, file: input, row: 3, column: "prompt" });
  });

  it("a winner column that is not 0/1", async () => {
    const input = await writeCsv(join(folder.path, "battles.csv"), [...rows(3), good({ winner_model_a: 2 })]);
    await expectFailure({ input }, { code: DATA_ERROR_CODES.badWinner, file: input, row: 4, column: "winner_model_a", message: /found "2"/ });
  });

  it("a tie column that is not 0/1 (the seed's tie_ab name)", async () => {
    const data = rows(3).map(({ winner_tie, ...rest }) => ({ ...rest, tie_ab: winner_tie }));
    data[1]!.tie_ab = "maybe" as unknown as number;
    const input = await writeCsv(join(folder.path, "battles.csv"), data);
    await expectFailure({ input }, { code: DATA_ERROR_CODES.badWinner, file: input, row: 2, column: "tie_ab", message: /maybe/ });
  });

  it("winners all zero and no tie column", async () => {
    const data = rows(4).map(({ winner_tie: _, ...rest }) => rest);
    data[2] = { ...data[2]!, winner_model_a: 0, winner_model_b: 0 };
    const input = await writeCsv(join(folder.path, "battles.csv"), data);
    await expectFailure({ input }, { code: DATA_ERROR_CODES.noOutcome, file: input, row: 3, message: /no tie column/ });
  });

  it("model_a equal to model_b", async () => {
    const input = await writeCsv(join(folder.path, "battles.csv"), [...rows(4), good({ model_b: "strong" })]);
    await expectFailure({ input }, { code: DATA_ERROR_CODES.sameModel, file: input, row: 5, column: "model_b" });
  });

  it("a missing model name", async () => {
    const input = await writeCsv(join(folder.path, "battles.csv"), [good({ model_a: "" }), ...rows(3)]);
    await expectFailure({ input }, { code: DATA_ERROR_CODES.missingValue, file: input, row: 1, column: "model_a" });
  });
});

describe("bad input: options", () => {
  it("the strong model absent from the data", async () => {
    const input = await writeCsv(join(folder.path, "battles.csv"), rows(4));
    await expectFailure({ input, strongModel: "gpt-5", weakModel: "weak" }, { code: DATA_ERROR_CODES.modelNotFound, file: input, message: /strong model "gpt-5".*models found: strong, weak/ });
  });

  it("the weak model absent from the data (the seed checks only one of the two)", async () => {
    const input = await writeCsv(join(folder.path, "battles.csv"), rows(4));
    await expectFailure({ input, strongModel: "strong", weakModel: "tiny" }, { code: DATA_ERROR_CODES.modelNotFound, file: input, message: /weak model "tiny"/ });
  });

  it("a split ratio outside (0, 1)", async () => {
    const input = await writeCsv(join(folder.path, "battles.csv"), rows(4));
    for (const splitRatio of [0, 1, 1.5, -0.2, Number.NaN]) {
      await expectFailure({ input, splitRatio }, { code: DATA_ERROR_CODES.badOption, message: /split ratio/ });
    }
  });

  it("a tie policy that needs a pair without one", async () => {
    const input = await writeCsv(join(folder.path, "battles.csv"), rows(4));
    await expectFailure({ input, tiePolicy: "weak-wins" }, { code: DATA_ERROR_CODES.badOption, message: /needs a strong and a weak model/ });
  });

  it("too few battles to make both splits", async () => {
    const input = await writeCsv(join(folder.path, "battles.csv"), rows(1));
    await expectFailure({ input }, { code: DATA_ERROR_CODES.tooFewRows, file: input });
  });
});

describe("bad input: benchmarks", () => {
  it("a correctness column that is not boolean", async () => {
    const file = join(folder.path, "bench.csv");
    await writeFile(file, 'prompt,weak,strong\n"q1",True,False\n"q2",True,sometimes\n');
    await expect(loadBenchmark({ path: file, strongModel: "strong" })).rejects.toMatchObject({
      code: DATA_ERROR_CODES.benchmarkNotBoolean,
      location: { file, row: 2, column: "strong" },
      message: expect.stringMatching(/row 2, column "strong".*"sometimes"/),
    });
    await mkdir(join(folder.path, "empty-folder"));
    await expect(loadBenchmark({ path: join(folder.path, "empty-folder") })).rejects.toMatchObject({ code: DATA_ERROR_CODES.badBenchmark });
  });

  it("MT-Bench judgements with a malformed line, and with a line of the wrong shape", async () => {
    const mtBench = join(folder.path, "mt_bench");
    await mkdir(mtBench);
    const judgements = join(mtBench, "judgements.jsonl");
    await writeFile(join(mtBench, "question.jsonl"), '{"question_id": 1, "turns": ["Hi"]}\n');
    await writeFile(judgements, '{"question_id": 1, "model": "strong", "score": 9, "turn": 1}\n{"question_id": 1, "model":\n');
    await expect(loadBenchmark({ path: judgements })).rejects.toMatchObject({ code: DATA_ERROR_CODES.corruptFile, location: { file: judgements, row: 2 } });
    await writeFile(judgements, '\n{"question_id": 1, "model": "strong", "score": "high", "turn": 1}\n');
    await expect(loadBenchmark({ path: judgements })).rejects.toMatchObject({ code: DATA_ERROR_CODES.badBenchmark, location: { file: judgements, row: 2, field: "score" } });
  });

  it("gold battles from a broken benchmark leave nothing behind", async () => {
    const file = join(folder.path, "bench.csv");
    await writeFile(file, "prompt,weak,strong\nq1,True,False\nq2,1,yes\n");
    await expectFailure({ benchmark: file }, { code: DATA_ERROR_CODES.benchmarkNotBoolean, file, row: 2, column: "strong" });
  });
});
