import { describe, expect, it } from "vitest";
import { cosine } from "./internal/l2-normalize.ts";
import { createLexicalEmbedder } from "./lexical-embedder.ts";

describe("lexical", () => {
  it("gives deterministic unit-norm vectors of the chosen dimension", async () => {
    const embedder = createLexicalEmbedder({ dimension: 256 });
    const texts = ["What is the capital of France?", "?", "漢字 and emoji 😀"];
    const first = await embedder.embed(texts);
    const again = await createLexicalEmbedder({ dimension: 256 }).embed(texts);
    expect(embedder.dimension).toBe(256);
    for (const [index, vector] of first.entries()) {
      expect(vector).toHaveLength(256);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
      expect(Array.from(vector)).toEqual(Array.from(again[index]!));
    }
  });

  it("puts texts that share words closer than unrelated texts", async () => {
    const [question, paraphrase, unrelated] = await createLexicalEmbedder().embed([
      "What is the capital city of France?",
      "Which city is the capital of France?",
      "Integrate x squared from zero to one.",
    ]);
    expect(cosine(question!, paraphrase!)).toBeGreaterThan(cosine(question!, unrelated!) + 0.3);
  });

  it("encodes every parameter in its id, and the seed changes the vectors", async () => {
    const a = createLexicalEmbedder({ seed: 1 });
    const b = createLexicalEmbedder({ seed: 2 });
    expect(a.id).not.toBe(b.id);
    expect(a.id).toContain("dimension=512");
    const [x] = await a.embed(["same text"]);
    const [y] = await b.embed(["same text"]);
    expect(cosine(x!, y!)).toBeLessThan(0.5);
  });

  it("reads only the first maxCharacters of a 100 kB prompt", async () => {
    const embedder = createLexicalEmbedder({ maxCharacters: 1000 });
    const long = "alpha beta gamma ".repeat(6000) + "omega";
    const [full, prefix] = await embedder.embed([long, long.slice(0, 1000)]);
    expect(cosine(full!, prefix!)).toBeCloseTo(1, 6);
  });

  it("rejects bad options", () => {
    expect(() => createLexicalEmbedder({ dimension: 0 })).toThrow(expect.objectContaining({ code: "embeddings/bad-option" }));
    expect(() => createLexicalEmbedder({ charNgrams: [5, 3] })).toThrow(expect.objectContaining({ code: "embeddings/bad-option" }));
  });
});
