import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { MufflerError, parseJsonLines } from "@muffler/core";
import { EVALUATION_ERROR_CODES } from "./errors.ts";

/**
 * Reads prompts standing for real traffic: `.jsonl` (a string or an object with `prompt` per line), `.json` (an
 * array of strings or of objects with `prompt`), or any other file as plain text, one prompt per line. Empty prompts
 * are skipped; a file without any prompt is an error.
 */
export async function readPromptsFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new MufflerError("cannot read the prompts file.", { code: EVALUATION_ERROR_CODES.badPromptsFile, file: path, cause: error });
  }
  const extension = extname(path).toLowerCase();
  const fromValue = (value: unknown, row: number): string => {
    if (typeof value === "string") return value;
    if (typeof value === "object" && value !== null && typeof (value as { prompt?: unknown }).prompt === "string") return (value as { prompt: string }).prompt;
    throw new MufflerError('expected a string or an object with a "prompt" string.', { code: EVALUATION_ERROR_CODES.badPromptsFile, file: path, row, field: "prompt" });
  };
  let prompts: string[];
  if (extension === ".jsonl") {
    prompts = parseJsonLines(text, { file: path, code: EVALUATION_ERROR_CODES.badPromptsFile }).map(({ row, value }) => fromValue(value, row));
  } else if (extension === ".json") {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new MufflerError("the file is not valid JSON.", { code: EVALUATION_ERROR_CODES.badPromptsFile, file: path, cause: error });
    }
    if (!Array.isArray(value)) throw new MufflerError("expected a JSON array of prompts.", { code: EVALUATION_ERROR_CODES.badPromptsFile, file: path });
    prompts = value.map((item, index) => fromValue(item, index + 1));
  } else prompts = text.split(/\r?\n/);
  prompts = prompts.filter((prompt) => prompt.trim().length > 0);
  if (prompts.length === 0) {
    throw new MufflerError("the prompts file holds no prompt.", { code: EVALUATION_ERROR_CODES.badPromptsFile, file: path, hint: "One prompt per line (.txt), per JSON line (.jsonl), or a JSON array." });
  }
  return prompts;
}
