import { describe, expect, it } from "vitest";
import { MufflerError, isMufflerError } from "./muffler-error.ts";

describe("MufflerError", () => {
  it("names the place and the remedy in its message and keeps a stable code", () => {
    const error = new MufflerError("winner_model_a must be 0 or 1, got 2.", {
      code: "data/invalid-winner",
      file: "battles.csv",
      row: 7,
      column: "winner_model_a",
      hint: "Fix the row or map another column with --column-map.",
    });
    expect(error.message).toBe(
      'battles.csv, row 7, column "winner_model_a": winner_model_a must be 0 or 1, got 2. Fix the row or map another column with --column-map.',
    );
    expect(error.code).toBe("data/invalid-winner");
    expect(error.kind).toBe("input");
    expect(isMufflerError(error)).toBe(true);
    expect(error.toJSON()).toEqual({
      code: "data/invalid-winner",
      kind: "input",
      message: error.message,
      location: { file: "battles.csv", row: 7, column: "winner_model_a" },
    });
  });

  it("keeps the cause and marks internal failures", () => {
    const cause = new Error("disk full");
    const error = new MufflerError("Could not write the manifest.", { code: "core/write-failed", kind: "internal", cause });
    expect(error.cause).toBe(cause);
    expect(error.kind).toBe("internal");
    expect(isMufflerError(cause)).toBe(false);
  });
});
