import { readFile } from "node:fs/promises";
import type { z } from "zod";
import { writeFileAtomic, writeJsonAtomic } from "../atomic-write.ts";
import { CORE_ERROR_CODES } from "../errors.ts";
import { MufflerError, type MufflerErrorCode } from "../muffler-error.ts";

/** Options of {@link readRunFile}. */
export interface ReadRunFileOptions<Schema extends z.ZodType, Code extends string = MufflerErrorCode> {
  /** The file, e.g. `runPaths(run).router.manifest`. */
  path: string;
  /** Its schema from `run-files/`. */
  schema: Schema;
  /** The reader's error code for a file that is missing, not JSON or not in its format. */
  code: Code;
  /** What to do about it, e.g. "Run `muffler calibrate` again." */
  hint?: string;
}

/**
 * Reads and validates one JSON file of a run directory. Throws a MufflerError with `options.code` that names the file
 * and, when the format is wrong, the field.
 */
export async function readRunFile<Schema extends z.ZodType, Code extends string = MufflerErrorCode>(options: ReadRunFileOptions<Schema, NoInfer<Code>>): Promise<z.output<Schema>> {
  const hint = options.hint !== undefined ? { hint: options.hint } : {};
  let text: string;
  try {
    text = await readFile(options.path, "utf8");
  } catch (error) {
    throw new MufflerError<Code>(`could not read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, { code: options.code, file: options.path, cause: error, ...hint });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MufflerError<Code>(`the file is not valid JSON (${(error as Error).message}).`, { code: options.code, file: options.path, cause: error, ...hint });
  }
  return parseRunFile<Schema, Code>({ ...options, value });
}

/** Validates a parsed JSON value against a run file's schema (see {@link readRunFile}). */
export function parseRunFile<Schema extends z.ZodType, Code extends string = MufflerErrorCode>(
  options: ReadRunFileOptions<Schema, NoInfer<Code>> & { value: unknown },
): z.output<Schema> {
  const parsed = options.schema.safeParse(options.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MufflerError<Code>(`the file does not match its format: ${issue.message}.`, {
      code: options.code,
      file: options.path,
      field: issue.path.map(String).join(".") || "(the whole file)",
      cause: parsed.error,
      ...(options.hint !== undefined && { hint: options.hint }),
    });
  }
  return parsed.data;
}

/**
 * Writes one JSON file of a run directory atomically after checking it against its schema, as a reader will see it
 * (NaN and Infinity become null). A value that fails is a writer's bug: `core/invalid-run-file`, kind internal.
 */
export async function writeRunFile<Schema extends z.ZodType>(options: {
  path: string;
  schema: Schema;
  value: object;
  /** Indented JSON (false: one line, for long arrays). @default true */
  pretty?: boolean;
}): Promise<void> {
  const asRead: unknown = JSON.parse(JSON.stringify(options.value));
  const parsed = options.schema.safeParse(asRead);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MufflerError(`refusing to write a file that its readers would reject: ${issue.message}.`, {
      code: CORE_ERROR_CODES.invalidRunFile,
      kind: "internal",
      file: options.path,
      field: issue.path.map(String).join(".") || "(the whole file)",
      hint: "This is a bug in the stage that writes the file; please report it.",
    });
  }
  if (options.pretty === false) await writeFileAtomic(options.path, `${JSON.stringify(options.value)}\n`);
  else await writeJsonAtomic(options.path, options.value);
}
