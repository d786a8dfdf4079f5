import { describe, expect, expectTypeOf, it } from "vitest";
import { CORE_ERROR_CODES, type CoreErrorCode } from "./errors.ts";
import { MUFFLER_ERROR_MARKER, MufflerError, isMufflerError, type MufflerErrorCode } from "./muffler-error.ts";
import type * as MufflerErrorModule from "./muffler-error.ts";

describe("MufflerError", () => {
  it("names the place and the remedy in its message and keeps a stable code", () => {
    const error = new MufflerError<"data/invalid-winner">("winner_model_a must be 0 or 1, got 2.", {
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
    const error = new MufflerError("Could not read the weights.", { code: CORE_ERROR_CODES.safetensorsReadFailed, kind: "internal", cause });
    expect(error.cause).toBe(cause);
    expect(error.kind).toBe("internal");
    expect(isMufflerError(cause)).toBe(false);
  });

  it("checks codes at compile time against the registered unions", () => {
    // @ts-expect-error a typo in a code does not compile
    void new MufflerError("typo", { code: "core/safetensors-truncatd" });
    const error = new MufflerError("ok", { code: CORE_ERROR_CODES.safetensorsTruncated });
    expectTypeOf(error.code).toEqualTypeOf<MufflerErrorCode>();
    expectTypeOf<CoreErrorCode>().toExtend<MufflerErrorCode>();
    if (isMufflerError(error, CORE_ERROR_CODES.safetensorsTruncated)) expectTypeOf(error.code).toEqualTypeOf<"core/safetensors-truncated">();
  });

  it("filters by code", () => {
    const error = new MufflerError("short", { code: CORE_ERROR_CODES.safetensorsTruncated });
    expect(isMufflerError(error, CORE_ERROR_CODES.safetensorsTruncated)).toBe(true);
    expect(isMufflerError(error, CORE_ERROR_CODES.safetensorsBadHeader)).toBe(false);
    expect(isMufflerError(error, [CORE_ERROR_CODES.safetensorsBadHeader, CORE_ERROR_CODES.safetensorsTruncated])).toBe(true);
  });

  it("recognises an error thrown by a second copy of the package, where instanceof fails", async () => {
    // A query string makes the module loader evaluate the file again: a second class, as two installed copies would give.
    const secondCopy = (await import(/* @vite-ignore */ `./muffler-error.ts?second-copy=${Date.now()}`)) as typeof MufflerErrorModule;
    expect(secondCopy.MufflerError).not.toBe(MufflerError);
    const foreign = new secondCopy.MufflerError("from the other copy", { code: CORE_ERROR_CODES.safetensorsBadHeader });
    // eslint-disable-next-line no-restricted-syntax -- the point of the test: instanceof fails across copies
    expect(foreign instanceof MufflerError).toBe(false);
    expect(isMufflerError(foreign)).toBe(true);
    expect(MufflerError.isInstance(foreign)).toBe(true);
    expect(isMufflerError(foreign, CORE_ERROR_CODES.safetensorsBadHeader)).toBe(true);
    expect(secondCopy.isMufflerError(new MufflerError("this copy", { code: CORE_ERROR_CODES.safetensorsTruncated }))).toBe(true);
    expect(secondCopy.MUFFLER_ERROR_MARKER).toBe(MUFFLER_ERROR_MARKER);
  });

  it("does not mistake look-alikes for MufflerErrors", () => {
    expect(isMufflerError({ code: "core/safetensors-truncated", message: "no marker" })).toBe(false);
    expect(isMufflerError({ [Symbol("muffler.error")]: true, code: "core/x" })).toBe(false);
    expect(isMufflerError({ [MUFFLER_ERROR_MARKER]: true })).toBe(false);
    expect(isMufflerError(null)).toBe(false);
    expect(isMufflerError("core/safetensors-truncated")).toBe(false);
  });
});
