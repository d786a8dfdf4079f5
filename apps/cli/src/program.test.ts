import { describe, expect, it } from "vitest";
import { COMMAND_NAMES, createProgram } from "./program.ts";
import { runCliInProcess } from "./test-support/run-cli-in-process.ts";

describe("the muffler program", () => {
  it("lists every command with its summary in --help, exit code 0", async () => {
    const { code, stdout } = await runCliInProcess("--help");
    expect(code).toBe(0);
    for (const name of COMMAND_NAMES) expect(stdout).toMatch(new RegExp(`^  ${name}\\b`, "m"));
  });

  it("loads each command in full when asked for it, with --json on every command that prints a result", async () => {
    const program = await createProgram();
    // `serve` runs until stopped and prints no result.
    for (const name of COMMAND_NAMES.filter((command) => command !== "serve")) {
      const command = program.commands.find((candidate) => candidate.name() === name)!;
      expect(command.description(), name).not.toBe("");
      const leaves = command.commands.length > 0 ? command.commands : [command];
      for (const leaf of leaves) expect(leaf.options.map((option) => option.long), `${name} ${leaf.name()}`).toContain("--json");
    }
  });

  it("answers an unknown command with exit code 1", async () => {
    const { code, stderr } = await runCliInProcess("frobnicate");
    expect(code).toBe(1);
    expect(stderr).toContain("unknown command 'frobnicate'");
  });
});
