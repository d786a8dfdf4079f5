import { MufflerError, type MufflerErrorCode } from "./muffler-error.ts";

/** Options of {@link parseJsonLines}. */
export interface ParseJsonLinesOptions<Code extends string = MufflerErrorCode> {
  /** The file the text came from, named in the error. */
  file: string;
  /** The caller's error code for a line that is not JSON, e.g. `data/corrupt-file`. */
  code: Code;
}

/** One parsed line of {@link parseJsonLines}. */
export interface JsonLine {
  /** 1-based line number in the file. */
  row: number;
  value: unknown;
}

/**
 * Parses JSON Lines text: one JSON value per line; blank lines are skipped.
 * @throws MufflerError with `options.code`, naming the file and the line, on a line that is not valid JSON.
 */
export function parseJsonLines<Code extends string = MufflerErrorCode>(text: string, options: ParseJsonLinesOptions<NoInfer<Code>>): JsonLine[] {
  const lines: JsonLine[] = [];
  text.split("\n").forEach((line, index) => {
    if (line.trim() === "") return;
    try {
      lines.push({ row: index + 1, value: JSON.parse(line) });
    } catch (error) {
      throw new MufflerError<Code>("the line is not valid JSON.", { code: options.code, file: options.file, row: index + 1, cause: error });
    }
  });
  return lines;
}
