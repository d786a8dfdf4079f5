import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../..", import.meta.url));

describe("examples/generate-and-stream.ts", () => {
  it("runs offline and prints a decision for each call", async () => {
    const { stdout } = await run(process.execPath, ["--conditions=@muffler/source", "--import", "tsx", "packages/ai-sdk/examples/generate-and-stream.ts"], { cwd: root });
    expect(stdout).toMatch(/generateText\("Prove that the square root of 2 is irrational\."\) -> \(an answer from gpt-4o(-mini)?\)/);
    expect(stdout).toMatch(/streamText -> \(an answer from gpt-4o\) \{[^}]*role: 'strong'[^}]*threshold: 0/s);
    expect(stdout).toMatch(/registry muffler:router-mf-0\.11593 -> \{[^}]*threshold: 0\.11593/s);
  });
});
