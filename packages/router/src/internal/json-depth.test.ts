import { describe, expect, it } from "vitest";
import { jsonDepthExceeds } from "./json-depth.ts";

describe("jsonDepthExceeds", () => {
  it("counts nesting of arrays and objects, scalars excluded, and survives 100,000 levels", () => {
    expect(jsonDepthExceeds("text", 1)).toBe(false);
    expect(jsonDepthExceeds({ a: [1, 2] }, 2)).toBe(false);
    expect(jsonDepthExceeds({ a: [1, { b: 2 }] }, 2)).toBe(true);
    expect(jsonDepthExceeds({ a: [1, { b: 2 }] }, 3)).toBe(false);
    expect(jsonDepthExceeds(JSON.parse(`${"[".repeat(100_000)}${"]".repeat(100_000)}`), 64)).toBe(true);
  });
});
