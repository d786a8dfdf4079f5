import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readCsvHead } from "./csv-head.ts";
import { temporaryFolder } from "./test-helpers.ts";

let folder: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  folder = await temporaryFolder();
});
afterEach(async () => folder.cleanup());

async function head(body: string, delimiter: "," | "\t" = ",") {
  const path = join(folder.path, "head.csv");
  await writeFile(path, body);
  return readCsvHead(path, { delimiter });
}

describe("readCsvHead (strict RFC 4180 over the first rows)", () => {
  it("reads past the first 4 MB when a quoted field is longer, and still finds the fault after it", async () => {
    const long = `"${"line of a long prompt, with commas\n".repeat(150_000)}"`;
    expect(await head(`a,b,c\n1,${long},3\n4,5\n`)).toMatchObject({ header: ["a", "b", "c"], fault: { kind: "field-count", row: 2, expected: 3, found: 2 } });
  });

  it("a header with one field is another dialect: left to DuckDB's sniffer", async () => {
    expect(await head("a;b;c\n1;2,5;3\n")).toBeUndefined();
  });

  it("stops after maxRows rows and accepts blank lines, a missing final newline and a quoted header", async () => {
    expect(await head('"a","b ""x"""\n1,2\n\n3,4')).toEqual({ header: ["a", 'b "x"'] });
    const path = join(folder.path, "many.csv");
    await writeFile(path, `a,b\n${"1,2\n".repeat(10)}1,2,3\n`);
    expect(await readCsvHead(path, { delimiter: ",", maxRows: 10 })).toEqual({ header: ["a", "b"] });
  });

  it("names the header (row 0) when its quote never closes", async () => {
    expect(await head('a,"b\n1,2\n')).toMatchObject({ fault: { kind: "unclosed-quote", row: 0 } });
  });
});
