import type { CoreErrorCode } from "./errors.ts";

/**
 * Where a problem was found. Every field is optional; fill what is known so a user can go straight to it.
 */
export interface ErrorLocation {
  /** The file (path as the user gave it). */
  file?: string;
  /** 1-based data row (header excluded) or line number. */
  row?: number;
  /** Column name as it appears in the file. */
  column?: string;
  /** A field of a config object, manifest or HTTP request body, as a dotted path (`messages.0.content`). */
  field?: string;
}

/**
 * `input`: the user's data, flags or request were wrong (CLI exit code 1, HTTP 4xx).
 * `internal`: Muffler or its environment failed (CLI exit code 2, HTTP 5xx).
 */
export type ErrorKind = "input" | "internal";

/**
 * The registry of every package's error codes. Each package keeps its codes in an `as const` map in its
 * `errors.ts` and adds their union here by module augmentation:
 *
 * ```ts
 * export const DATA_ERROR_CODES = { badOption: "data/bad-option" } as const;
 * export type DataErrorCode = (typeof DATA_ERROR_CODES)[keyof typeof DATA_ERROR_CODES];
 * declare module "@muffler/core" {
 *   interface MufflerErrorCodes { data: DataErrorCode }
 * }
 * ```
 *
 * so that `new MufflerError(message, { code: "data/bad-optoin" })` does not compile anywhere the package is imported.
 */
export interface MufflerErrorCodes {
  core: CoreErrorCode;
}

/** Every error code known to the program: the union of the codes the imported packages register. */
export type MufflerErrorCode = MufflerErrorCodes[keyof MufflerErrorCodes];

/**
 * The marker every MufflerError carries. `Symbol.for` gives the same symbol to every copy of `@muffler/core` in a
 * process, so `isMufflerError` recognises errors thrown by another copy (where `instanceof` would fail).
 */
export const MUFFLER_ERROR_MARKER: unique symbol = Symbol.for("muffler.error");

export interface MufflerErrorOptions<Code extends string = MufflerErrorCode> extends ErrorLocation {
  /** A stable, machine-readable code such as `data/missing-columns`, from its package's `as const` map. */
  code: Code;
  /** What to do about it, in one sentence. */
  hint?: string;
  /** @default "input" */
  kind?: ErrorKind;
  /** The underlying error, kept for debugging. */
  cause?: unknown;
}

/** The plain object of `MufflerError.toJSON()`: what `--json` output and HTTP error bodies carry. */
export interface MufflerErrorJson<Code extends string = MufflerErrorCode> {
  code: Code;
  kind: ErrorKind;
  message: string;
  location: ErrorLocation;
}

/**
 * The one error type Muffler throws on purpose. `code` is stable across versions; `message` says what was wrong,
 * where, and what to do.
 *
 * The code is checked against `MufflerErrorCode` (a typo does not compile). A code outside the registry needs an
 * explicit type argument: `new MufflerError<"example/bad-line">(...)`.
 */
export class MufflerError<Code extends string = MufflerErrorCode> extends Error {
  override readonly name: string = "MufflerError";
  readonly [MUFFLER_ERROR_MARKER] = true as const;
  readonly code: Code;
  readonly kind: ErrorKind;
  readonly hint: string | undefined;
  readonly location: ErrorLocation;

  constructor(message: string, options: MufflerErrorOptions<NoInfer<Code>>) {
    const where = formatLocation(options);
    const full = [where ? `${where}: ${message}` : message, options.hint].filter(Boolean).join(" ");
    super(full, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.kind = options.kind ?? "input";
    this.hint = options.hint;
    this.location = {
      ...(options.file !== undefined && { file: options.file }),
      ...(options.row !== undefined && { row: options.row }),
      ...(options.column !== undefined && { column: options.column }),
      ...(options.field !== undefined && { field: options.field }),
    };
  }

  /** A plain object for `--json` output and HTTP error bodies (no stack, no cause). */
  toJSON(): MufflerErrorJson<Code> {
    return { code: this.code, kind: this.kind, message: this.message, location: this.location };
  }

  /** The same check as `isMufflerError` (as vercel/ai's `AISDKError.isInstance`). */
  static isInstance(error: unknown): error is MufflerError<string> {
    return isMufflerError(error);
  }
}

/**
 * Whether `error` is a MufflerError, from this copy of `@muffler/core` or any other (it checks the
 * `Symbol.for("muffler.error")` marker, not the prototype). With `code`, also whether its code is that one (or one
 * of those).
 */
export function isMufflerError(error: unknown): error is MufflerError<string>;
export function isMufflerError<Code extends MufflerErrorCode>(error: unknown, code: Code | readonly Code[]): error is MufflerError<Code>;
export function isMufflerError(error: unknown, code?: string | readonly string[]): boolean {
  if (typeof error !== "object" || error === null) return false;
  const candidate = error as { [MUFFLER_ERROR_MARKER]?: unknown; code?: unknown };
  if (candidate[MUFFLER_ERROR_MARKER] !== true || typeof candidate.code !== "string") return false;
  if (code === undefined) return true;
  return typeof code === "string" ? candidate.code === code : code.includes(candidate.code);
}

function formatLocation(location: ErrorLocation): string {
  const parts: string[] = [];
  if (location.file !== undefined) parts.push(location.file);
  if (location.row !== undefined) parts.push(`row ${location.row}`);
  if (location.column !== undefined) parts.push(`column "${location.column}"`);
  if (location.field !== undefined) parts.push(`field "${location.field}"`);
  return parts.join(", ");
}
