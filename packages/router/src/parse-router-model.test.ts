import { describe, expect, it } from "vitest";
import { parseRouterModel } from "./parse-router-model.ts";

describe("parseRouterModel", () => {
  it("reads RouteLLM's router-mf-<threshold> and router-mf-strong-<percent>", () => {
    expect(parseRouterModel("router-mf-0.11593")).toEqual({ threshold: 0.11593 });
    expect(parseRouterModel("router-mf-1")).toEqual({ threshold: 1 });
    expect(parseRouterModel("router-mf-strong-30")).toEqual({ strongPercent: 30 });
    expect(parseRouterModel("router-mf-strong-12.5")).toEqual({ strongPercent: 12.5 });
    expect(parseRouterModel("router-custom-0.2", { routerName: "custom" })).toEqual({ threshold: 0.2 });
  });

  it("names what is wrong with other model names", () => {
    expect(() => parseRouterModel("gpt-4o")).toThrow(expect.objectContaining({ code: "router/unknown-model" }));
    expect(() => parseRouterModel("router-bert-0.5")).toThrow(expect.objectContaining({ code: "router/unknown-model" }));
    for (const name of ["router-mf-1.5", "router-mf--0.1", "router-mf-", "router-mf-0.5abc", "router-mf-1e-3"]) {
      expect(() => parseRouterModel(name), name).toThrow(expect.objectContaining({ code: "router/invalid-threshold" }));
    }
    for (const name of ["router-mf-strong-101", "router-mf-strong-", "router-mf-strong-x"]) {
      expect(() => parseRouterModel(name), name).toThrow(expect.objectContaining({ code: "router/invalid-strong-percent" }));
    }
  });
});
