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

export interface MufflerErrorOptions extends ErrorLocation {
  /** A stable, machine-readable code such as `data/missing-columns`. Each package keeps its codes in an `as const` map. */
  code: string;
  /** What to do about it, in one sentence. */
  hint?: string;
  /** @default "input" */
  kind?: ErrorKind;
  /** The underlying error, kept for debugging. */
  cause?: unknown;
}

/**
 * The one error type Muffler throws on purpose. `code` is stable across versions; `message` says what was wrong,
 * where, and what to do.
 */
export class MufflerError extends Error {
  override readonly name: string = "MufflerError";
  readonly code: string;
  readonly kind: ErrorKind;
  readonly hint: string | undefined;
  readonly location: ErrorLocation;

  constructor(message: string, options: MufflerErrorOptions) {
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
  toJSON(): { code: string; kind: ErrorKind; message: string; location: ErrorLocation } {
    return { code: this.code, kind: this.kind, message: this.message, location: this.location };
  }
}

export function isMufflerError(error: unknown): error is MufflerError {
  return error instanceof MufflerError;
}

function formatLocation(location: ErrorLocation): string {
  const parts: string[] = [];
  if (location.file !== undefined) parts.push(location.file);
  if (location.row !== undefined) parts.push(`row ${location.row}`);
  if (location.column !== undefined) parts.push(`column "${location.column}"`);
  if (location.field !== undefined) parts.push(`field "${location.field}"`);
  return parts.join(", ");
}
