import { describe, expect, it } from "vitest";
import { estimateTextWidth } from "./text-width.ts";

describe("estimateTextWidth", () => {
  it("measures like a sans-serif font: narrow letters narrower, bold wider, longer text wider", () => {
    expect(estimateTextWidth("iiii", 12)).toBeLessThan(estimateTextWidth("MMMM", 12));
    expect(estimateTextWidth("Epoch", 12, true)).toBeGreaterThan(estimateTextWidth("Epoch", 12));
    expect(estimateTextWidth("Calls to the strong model (%)", 12)).toBeGreaterThan(estimateTextWidth("Calls", 12));
  });

  it("stays well under Vega's fallback guess of 0.8 em per character, and above half an em for plain text", () => {
    const text = "Calls to the strong model (%)";
    const width = estimateTextWidth(text, 12);
    expect(width).toBeLessThan(0.8 * 12 * text.length * 0.8);
    expect(width).toBeGreaterThan(0.45 * 12 * text.length);
  });
});
