import { describe, expect, it } from "vitest";
import { listDatasetCards, readDatasetCard } from "./dataset-card.ts";

describe("dataset cards", () => {
  it("has a complete card for each dataset the seed names and each local folder", async () => {
    const cards = await listDatasetCards();
    expect(cards.map((card) => card.id)).toEqual(
      expect.arrayContaining([
        "lmsys/lmsys-arena-human-preference-55k",
        "routellm/gpt4_judge_battles",
        "routellm/gpt4_dataset",
        "local/routellm-evals",
        "local/alpaca-eval",
        "local/arena-bench-v1",
        "local/pandalm-human-pairwise",
        "muffler/synthetic",
      ]),
    );
    for (const card of cards) {
      expect(card.title.length).toBeGreaterThan(10);
      expect(card.license.length).toBeGreaterThan(3);
      expect(card.columns.length).toBeGreaterThan(0);
      expect(card.usage.length).toBeGreaterThan(0);
      expect(card.synthetic).toBe(card.source === "synthetic");
    }
  });

  it("finds a card by its id or its last part, and names the cards when none matches", async () => {
    expect((await readDatasetCard("routellm-evals")).location).toBe("../shared/data/routellm-evals");
    await expect(readDatasetCard("nope")).rejects.toMatchObject({ code: "datasets/unknown-card" });
  });
});
