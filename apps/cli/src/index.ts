export { createProgram, runCli } from "./program.ts";
export { EXIT_CODES } from "./cli-output.ts";
