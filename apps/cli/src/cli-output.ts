import { fileSystemError, isMufflerError } from "@muffler/core";
import { CommanderError } from "commander";
import { CLI_ERROR_CODES } from "./errors.ts";

/** CLI exit codes: 0 ok, 1 bad input or usage, 2 internal failure. */
export const EXIT_CODES = { ok: 0, input: 1, internal: 2 } as const;

/** Options every command accepts. */
export interface GlobalOptions {
  /** Print one JSON object on stdout instead of tables and progress bars. */
  json?: boolean;
}

/**
 * Prints a command's result: `human()` for people, `value` as JSON with `--json`.
 * With `--json`, stdout carries nothing but the JSON document.
 */
export function printResult(options: GlobalOptions, value: unknown, human: () => string): void {
  if (options.json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else process.stdout.write(`${human()}\n`);
}

/** Turns any thrown value into an exit code, printing it for people (stderr) or as JSON (stdout with --json). */
export function reportError(thrown: unknown, json: boolean): number {
  if (thrown instanceof CommanderError) {
    return thrown.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.input;
  }
  // A full disk, a folder without permission, ... reached here untyped: the machine's fault, not a bug (exit 1).
  const error = fileSystemError(thrown) ?? thrown;
  if (isMufflerError(error)) {
    if (json) process.stdout.write(`${JSON.stringify({ error: error.toJSON() }, null, 2)}\n`);
    else process.stderr.write(`error [${error.code}] ${error.message}\n`);
    return error.kind === "input" ? EXIT_CODES.input : EXIT_CODES.internal;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (json) process.stdout.write(`${JSON.stringify({ error: { code: CLI_ERROR_CODES.internal, kind: "internal", message: String(error) } }, null, 2)}\n`);
  else process.stderr.write(`internal error: ${message}\nThis is a bug in Muffler or its environment; please report it with the command you ran.\n`);
  return EXIT_CODES.internal;
}

/** Formats rows as an aligned text table (numbers right-aligned). */
export function formatTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((row) => row.map((cell) => (typeof cell === "number" ? formatNumber(cell) : cell)))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => String(row[column] ?? "").length)));
  const line = (row: (string | number)[], numeric: boolean[]) =>
    row.map((cell, column) => (numeric[column] ? String(cell).padStart(widths[column]!) : String(cell).padEnd(widths[column]!))).join("  ");
  const numeric = header.map((_, column) => rows.length > 0 && rows.every((row) => typeof row[column] === "number"));
  return [line(header, numeric), widths.map((width) => "-".repeat(width)).join("  "), ...cells.slice(1).map((row) => line(row, numeric))].join("\n");
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString("en-US");
  return Math.abs(value) >= 100 ? value.toFixed(1) : value.toFixed(4);
}
