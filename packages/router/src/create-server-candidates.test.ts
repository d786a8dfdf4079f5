import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { candidateRouter } from "./__fixtures__/candidate-router.ts";
import { type FakeUpstream, startFakeUpstream } from "./__fixtures__/fake-upstream.ts";
import { post } from "./__fixtures__/test-server.ts";
import { createServer } from "./create-server.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** A server over the three-candidate fixture router (big / mid / small) with one fake upstream per candidate. */
async function startCandidates(): Promise<{ url: string; client: OpenAI; upstreams: Record<"big" | "mid" | "small", FakeUpstream> }> {
  const upstreams = { big: await startFakeUpstream("big"), mid: await startFakeUpstream("mid"), small: await startFakeUpstream("small") };
  cleanups.push(...Object.values(upstreams).map((upstream) => () => upstream.close()));
  const { router } = candidateRouter();
  const server = createServer({
    router,
    candidateUpstreams: {
      big: { baseUrl: upstreams.big.url, apiKey: "sk-big-secret-1", model: "big-upstream" },
      mid: { baseUrl: upstreams.mid.url, apiKey: "sk-mid-secret-2" },
      small: { baseUrl: upstreams.small.url, apiKey: "sk-small-secret-3" },
    },
  });
  const url = await server.listen({ port: 0 });
  cleanups.push(() => server.close());
  return { url, client: new OpenAI({ apiKey: "unused", baseURL: `${url}/v1`, maxRetries: 0, timeout: 10_000 }), upstreams };
}

const hard = [{ role: "user" as const, content: "hard prompt" }];
const medium = [{ role: "user" as const, content: "medium prompt" }];

describe("the automatic model router-mf-auto over three candidate upstreams", () => {
  it("sends each request to the candidate the policy picks, naming it and its estimated cost in headers", async () => {
    const { client, upstreams } = await startCandidates();
    const best = await client.chat.completions.create({ model: "router-mf-auto", messages: hard }).withResponse();
    expect(best.data.choices[0]?.message.content).toBe("reply from big");
    expect(best.response.headers.get("x-muffler-model")).toBe("big");
    expect(Number(best.response.headers.get("x-muffler-estimated-cost-usd"))).toBeCloseTo(0.01003, 8);
    expect(Number(best.response.headers.get("x-muffler-estimated-quality"))).toBeCloseTo(1 / (1 + Math.exp(-2)), 5);
    expect(upstreams.big.requests[0]?.body.model).toBe("big-upstream");
    expect(upstreams.big.requests[0]?.authorization).toBe("Bearer sk-big-secret-1");

    const cheap = await client.chat.completions.create({ model: "router-mf-auto-lambda-1000", messages: hard }).withResponse();
    expect(cheap.data.choices[0]?.message.content).toBe("reply from small");
    expect(JSON.parse(cheap.response.headers.get("x-muffler-policy")!)).toEqual({ kind: "tradeoff", lambda: 1000 });

    const mid = await client.chat.completions.create({ model: "router-mf-auto-cap-0.005", messages: medium }).withResponse();
    expect(mid.response.headers.get("x-muffler-model")).toBe("mid");
    expect((await client.models.list()).data.map((model) => model.id)).toContain("router-mf-auto");
    expect(upstreams.mid.requests[0]?.body.model).toBe("mid"); // no upstream model configured: the candidate's name
  });

  it("a request field muffler.policy overrides the name's knob and is not sent upstream", async () => {
    const { url, upstreams } = await startCandidates();
    const answer = await post(`${url}/v1/chat/completions`, { model: "router-mf-auto", messages: medium, muffler: { policy: { kind: "cheapest", tolerance: 0.5 } } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("x-muffler-model")).toBe("small");
    expect(upstreams.small.requests[0]?.body).not.toHaveProperty("muffler");
    const bad = await post(`${url}/v1/chat/completions`, { model: "router-mf-auto", messages: medium, muffler: { policy: { kind: "tradeoff", lambda: -1 } } });
    expect(bad.status).toBe(400);
    expect(bad.json.error?.code).toBe("model/bad-policy");
  });

  it("falls back to the next-best candidate by the same policy when the chosen upstream fails, and counts it", async () => {
    const { url, client, upstreams } = await startCandidates();
    upstreams.big.mode = "status-500";
    const { data, response } = await client.chat.completions.create({ model: "router-mf-auto", messages: medium }).withResponse();
    // big is down, but the medium prompt's best candidate is mid (0.881), so nothing falls back
    expect(data.choices[0]?.message.content).toBe("reply from mid");
    expect(response.headers.get("x-muffler-fallback")).toBeNull();
    upstreams.mid.mode = "status-500";
    const fallen = await client.chat.completions.create({ model: "router-mf-auto", messages: medium }).withResponse();
    // mid (0.881) failed; big and small tie at 0.5: the cheaper, small, is next (big is down too, it is not tried)
    expect(fallen.data.choices[0]?.message.content).toBe("reply from small");
    expect(fallen.response.headers.get("x-muffler-fallback")).toBe("mid -> small");
    expect(upstreams.big.requests).toHaveLength(0);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('muffler_candidate_fallbacks_total{model="mid"} 1');
    expect(metrics).toMatch(/muffler_routed_total\{model="small"\} 1/);
    expect(metrics).toMatch(/muffler_estimated_cost_usd_total\{model="mid"\} 0\.00200/);
  });

  it("answers 502 naming every candidate tried when all of them fail, and an unknown automatic model is a 404", async () => {
    const { url, upstreams } = await startCandidates();
    for (const upstream of Object.values(upstreams)) upstream.mode = "status-500";
    const answer = await post(`${url}/v1/chat/completions`, { model: "router-mf-auto", messages: hard });
    expect(answer.status).toBe(502);
    expect(answer.json.error?.message).toContain("big, ");
    expect(Object.values(upstreams).map((upstream) => upstream.requests.length)).toEqual([1, 1, 1]);
    const unknown = await post(`${url}/v1/chat/completions`, { model: "router-mf-auto-fastest", messages: hard });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error?.code).toBe("router/unknown-model");
  });
});
