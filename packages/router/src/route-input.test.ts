import { describe, expect, it } from "vitest";
import { routingText } from "./route-input.ts";

const conversation = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "First question" },
  { role: "assistant", content: "First answer" },
  { role: "user", content: [{ type: "text", text: "Second" }, { type: "image_url" }, { type: "text", text: "question" }] },
];

describe("routingText", () => {
  it("routes on the last user message by default (RouteLLM), reading text content parts", () => {
    expect(routingText(conversation)).toBe("Second\nquestion");
    expect(routingText("a prompt")).toBe("a prompt");
  });

  it("joins every user turn, or every turn, when asked", () => {
    expect(routingText(conversation, { turns: "all-user" })).toBe("First question\n\nSecond\nquestion");
    expect(routingText(conversation, { turns: "all" })).toBe("Be brief.\n\nFirst question\n\nFirst answer\n\nSecond\nquestion");
  });

  it("refuses input with nothing to route on", () => {
    expect(() => routingText([])).toThrow(expect.objectContaining({ code: "router/empty-input" }));
    expect(() => routingText([{ role: "assistant", content: "hi" }])).toThrow(/no user message/);
    expect(() => routingText([{ role: "user", content: null }])).toThrow(expect.objectContaining({ code: "router/empty-input" }));
    expect(() => routingText("")).toThrow(expect.objectContaining({ code: "router/empty-input" }));
  });
});
