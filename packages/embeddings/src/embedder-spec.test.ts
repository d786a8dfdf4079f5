import { describe, expect, it } from "vitest";
import { createCompositeEmbedder } from "./composite-embedder.ts";
import { createEmbedder } from "./create-embedder.ts";
import { embedderSpec } from "./embedder-spec.ts";
import { cosine } from "./internal/l2-normalize.ts";

const texts = ["Prove that the square root of 2 is irrational.", "hi", "Write a haiku about the sea, then translate it into French."];

/** What a file round trip does to a spec. */
const throughJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe("embedderSpec", () => {
  it("keeps the name and the vector-changing options of the blocks the name reads, nothing else", () => {
    expect(embedderSpec("use-lite", { useLite: { quantize: "ffn", engine: "onnx", threads: 2, maxTokens: 64 }, lexical: { dimension: 128 } })).toEqual({
      name: "use-lite",
      options: { useLite: { quantize: "ffn", engine: "onnx", maxTokens: 64 } },
    });
    expect(embedderSpec(" use-lite + lexical ", { lexical: { dimension: 128 } })).toEqual({ name: "use-lite+lexical", options: { lexical: { dimension: 128 } } });
    expect(embedderSpec("lexical")).toEqual({ name: "lexical" });
  });

  it("never stores a secret or a process environment", () => {
    const spec = embedderSpec("openai:text-embedding-3-small", {
      openai: { apiKeyEnv: "MY_KEY", dimensions: 256, env: { MY_KEY: "sk-secret-value", OPENAI_API_KEY: "sk-other" }, concurrency: 4 },
    });
    expect(spec).toEqual({ name: "openai:text-embedding-3-small", options: { openai: { apiKeyEnv: "MY_KEY", dimensions: 256 } } });
    expect(JSON.stringify(spec)).not.toContain("sk-");
  });
});

describe("createEmbedder(spec) round-trips through JSON", () => {
  it("rebuilds a lexical embedder with its options: same id, same vectors", async () => {
    const options = { lexical: { dimension: 256, wordNgrams: [1, 3] as const, seed: 7 } };
    const original = await createEmbedder("lexical", options);
    const rebuilt = await createEmbedder(throughJson(embedderSpec("lexical", options)));
    expect(rebuilt.id).toBe(original.id);
    expect(rebuilt.id).not.toBe((await createEmbedder("lexical")).id);
    expect(await rebuilt.embed(texts)).toEqual(await original.embed(texts));
  });

  it("rebuilds a quantized, truncated use-lite: same id, same vectors", async () => {
    const options = { useLite: { quantize: "ffn" as const, maxTokens: 16 } };
    const original = await createEmbedder("use-lite", options);
    const rebuilt = await createEmbedder(throughJson(embedderSpec("use-lite", options)));
    try {
      expect(rebuilt.id).toBe(original.id);
      expect(rebuilt.id).toMatch(/ffn/);
      const [a, b] = [await original.embed(texts), await rebuilt.embed(texts)];
      a.forEach((vector, index) => expect(cosine(vector, b[index]!)).toBeGreaterThan(0.99999));
    } finally {
      await original.dispose?.();
      await rebuilt.dispose?.();
    }
  });

  it("builds the composite use-lite+lexical: the parts' vectors concatenated and scaled, unit norm, and rebuilds it", async () => {
    const spec = throughJson(embedderSpec("use-lite+lexical", { lexical: { dimension: 64 } }));
    const composite = await createEmbedder(spec);
    const useLite = await createEmbedder("use-lite");
    const lexical = await createEmbedder("lexical", { lexical: { dimension: 64 } });
    try {
      expect(composite.id).toBe(`${useLite.id} + ${lexical.id}`);
      expect(composite.dimension).toBe(useLite.dimension + 64);
      const [vectors, left, right] = [await composite.embed(texts), await useLite.embed(texts), await lexical.embed(texts)];
      vectors.forEach((vector, row) => {
        expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
        expect(vector[0]).toBeCloseTo(left[row]![0]! / Math.SQRT2, 6);
        expect(vector[useLite.dimension + 3]).toBeCloseTo(right[row]![3]! / Math.SQRT2, 6);
      });
      expect((await createEmbedder(spec)).id).toBe(composite.id);
    } finally {
      await composite.dispose?.();
      await useLite.dispose?.();
    }
  });

  it("rejects an unknown option block or part with a typed error", async () => {
    await expect(createEmbedder({ name: "lexical", options: { lexicon: {} } })).rejects.toMatchObject({ code: "embeddings/bad-option", location: { field: "embedder.options.lexicon" } });
    await expect(createEmbedder("use-lite+nope")).rejects.toMatchObject({ code: "embeddings/unknown-embedder" });
    expect(() => createCompositeEmbedder({ parts: [] })).toThrow(/at least one part/);
  });
});
