import { describe, expect, it } from "vitest";
import { createEmbedder } from "./create-embedder.ts";

describe("createEmbedder", () => {
  it("resolves lexical with its options", async () => {
    const embedder = await createEmbedder("lexical", { lexical: { dimension: 64 } });
    expect(embedder.dimension).toBe(64);
    expect(embedder.id).toMatch(/^lexical@1;/);
  });

  it.each(["use-lit", "st:", "", "USE-LITE"])("rejects the unknown name %j with embeddings/unknown-embedder", async (name) => {
    await expect(createEmbedder(name)).rejects.toMatchObject({ code: "embeddings/unknown-embedder", message: expect.stringContaining("use-lite") });
  });
});
