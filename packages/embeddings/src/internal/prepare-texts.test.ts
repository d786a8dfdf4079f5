import { describe, expect, it } from "vitest";
import { createLexicalEmbedder } from "../lexical-embedder.ts";
import { prepareTexts, toWellFormed } from "./prepare-texts.ts";

describe("bad input (every embedder checks texts through prepareTexts before any work)", () => {
  const embedder = createLexicalEmbedder({ dimension: 16 });

  it.each([
    ["an empty string", ["fine", ""], "embeddings/empty-text", "texts.1"],
    ["whitespace only", [" \n\t "], "embeddings/empty-text", "texts.0"],
    ["only no-break spaces (U+00A0), the rule muffler prepare applies too", ["fine", "\u00a0\u00a0"], "embeddings/empty-text", "texts.1"],
    ["a number", ["fine", 42], "embeddings/not-a-string", "texts.1"],
    ["null", [null], "embeddings/not-a-string", "texts.0"],
  ])("rejects %s with a code naming the index", async (_label, texts, code, field) => {
    await expect(embedder.embed(texts as string[])).rejects.toMatchObject({ code, location: { field } });
  });

  it("rejects a non-array", async () => {
    await expect(embedder.embed("just a string" as unknown as string[])).rejects.toMatchObject({ code: "embeddings/not-a-string" });
  });

  it("replaces lone UTF-16 surrogates with U+FFFD and keeps valid pairs", () => {
    expect(toWellFormed("a\uD800b\uDC00c\uD83D\uDE00")).toBe("a\uFFFDb\uFFFDc\uD83D\uDE00");
    expect(prepareTexts(["\uDFFF"])).toEqual(["\uFFFD"]);
  });

  it("embeds an empty batch as no rows", async () => {
    expect(await embedder.embed([])).toEqual([]);
  });
});
