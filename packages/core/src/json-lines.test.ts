import { describe, expect, it } from "vitest";
import { parseJsonLines } from "./json-lines.ts";

describe("parseJsonLines", () => {
  it("parses one value per line with its line number, skipping blank lines and CRLF endings", () => {
    expect(parseJsonLines<"test/bad">('{"a":1}\r\n\n  \n"x"\n', { file: "f.jsonl", code: "test/bad" })).toEqual([
      { row: 1, value: { a: 1 } },
      { row: 4, value: "x" },
    ]);
  });

  it("names the file, the line and the caller's code on a line that is not JSON", () => {
    expect(() => parseJsonLines<"test/bad">('{"a":1}\n{oops\n', { file: "f.jsonl", code: "test/bad" })).toThrow(
      expect.objectContaining({ code: "test/bad", location: expect.objectContaining({ file: "f.jsonl", row: 2 }) }),
    );
  });
});
