/**
 * The stable error codes the CLI itself throws (the libraries' codes come from their packages). A code never changes
 * meaning; messages may be reworded.
 */
export const CLI_ERROR_CODES = {
  /** `muffler run --config` names a file that cannot be read. */
  configNotFound: "cli/config-not-found",
  /** The run config is not valid JSON or does not match its schema (the message names the field). */
  invalidConfig: "cli/invalid-config",
  /** A run directory's run.json is not valid JSON or does not match its schema. */
  invalidRunState: "cli/invalid-run-state",
  /** Something that is not a MufflerError was thrown: a bug in Muffler or its environment (exit code 2). */
  internal: "cli/internal",
} as const;

export type CliErrorCode = (typeof CLI_ERROR_CODES)[keyof typeof CLI_ERROR_CODES];

declare module "@muffler/core" {
  interface MufflerErrorCodes {
    cli: CliErrorCode;
  }
}
