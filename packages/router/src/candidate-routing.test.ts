import { describe, expect, it } from "vitest";
import { candidateRouter } from "./__fixtures__/candidate-router.ts";
import { fixtureRouter } from "./__fixtures__/fake-router.ts";
import { ROUTER_ERROR_CODES } from "./errors.ts";

const HIGH = 1 / (1 + Math.exp(-2)); // sigmoid(2): the quality estimate of the candidate whose axis the prompt is on
// "hard prompt" is 11 characters: 3 input tokens. big: 3e-5 + 100 x 1e-4 = 0.01003; mid 0.001003; small 0.0001003
const COST = { big: 0.01003, mid: 0.001003, small: 0.0001003 };

describe("Router.route with a policy (three priced candidates)", () => {
  it("reports every candidate's estimated quality and cost, and the reason", async () => {
    const { router } = candidateRouter();
    const decision = await router.route("hard prompt", { policy: { kind: "tradeoff", lambda: 0 } });
    expect(decision.model).toBe("big");
    expect(decision.candidates.map((candidate) => candidate.model)).toEqual(["big", "mid", "small"]);
    expect(decision.candidates.map((candidate) => candidate.quality)).toEqual([expect.closeTo(HIGH, 12), expect.closeTo(0.5, 12), expect.closeTo(0.5, 12)]);
    expect(decision.candidates.map((candidate) => candidate.costUsd)).toEqual([expect.closeTo(COST.big, 12), expect.closeTo(COST.mid, 12), expect.closeTo(COST.small, 12)]);
    expect(decision.reason).toContain("tradeoff");
  });

  it("tradeoff: a lambda past (0.881 - 0.5) / (0.01003 - 0.0001003) = 38.4 sends the hard prompt to small", async () => {
    const { router } = candidateRouter();
    expect((await router.route("hard prompt", { policy: { kind: "tradeoff", lambda: 38 } })).model).toBe("big");
    expect((await router.route("hard prompt", { policy: { kind: "tradeoff", lambda: 39 } })).model).toBe("small");
    expect((await router.route("an easy one", { policy: { kind: "tradeoff", lambda: 0 } })).model).toBe("small");
  });

  it("max-quality under a cap, and cheapest within a tolerance", async () => {
    const { router } = candidateRouter();
    expect((await router.route("medium prompt", { policy: { kind: "max-quality" } })).model).toBe("mid");
    expect((await router.route("hard prompt", { policy: { kind: "max-quality", maxCostUsd: 0.005 } })).model).toBe("small"); // mid and small tie at 0.5: cheaper
    expect((await router.route("medium prompt", { policy: { kind: "cheapest", tolerance: 0.1 } })).model).toBe("mid");
    expect((await router.route("medium prompt", { policy: { kind: "cheapest", tolerance: 0.4 } })).model).toBe("small");
  });

  it("a budget calibrated on traffic becomes a tradeoff lambda that keeps the spend within it", async () => {
    const { router } = candidateRouter();
    await expect(router.route("hard prompt", { policy: { kind: "budget", usdPer1kRequests: 5 } })).rejects.toMatchObject({ code: ROUTER_ERROR_CODES.notCalibrated });
    const traffic = ["hard prompt", "hard prompt", "medium prompt", "easy prompt"];
    const budget = await router.calibrateBudget({ traffic, usdPer1kRequests: 5 });
    expect(budget.reachable).toBe(true);
    const decisions = await Promise.all(traffic.map((prompt) => router.route(prompt, { policy: { kind: "budget", usdPer1kRequests: 5 } })));
    const spentPer1k = (1000 * decisions.reduce((sum, decision) => sum + decision.candidates.find((candidate) => candidate.model === decision.model)!.costUsd, 0)) / traffic.length;
    expect(spentPer1k).toBeLessThanOrEqual(5);
    // both hard prompts on big would be $5.3 per 1k, so both move off big (at lambda 38.4); medium keeps mid (until 422)
    expect(decisions.map((decision) => decision.model)).toEqual(["small", "small", "mid", "small"]);
    expect(decisions[0]!.policy).toEqual({ kind: "tradeoff", lambda: budget.lambda });
  });

  it("an embedder failure falls back to the strong model with the fail-safe flag", async () => {
    const { router, embedder } = candidateRouter();
    embedder.failing = true;
    const decision = await router.route("hard prompt", { policy: { kind: "cheapest", tolerance: 0 } });
    expect(decision).toMatchObject({ model: "big", failSafe: "embedding-failed", candidates: [] });
  });

  it("a two-model router without candidates refuses a policy; threshold routing is unchanged", async () => {
    const { router } = fixtureRouter();
    await expect(router.route("hard", { policy: { kind: "tradeoff", lambda: 0 } })).rejects.toMatchObject({ code: ROUTER_ERROR_CODES.notCalibrated });
    expect((await router.route("hard", { threshold: 0.5 })).model).toBe("gpt-4-1106-preview");
  });
});
