import type { RouterCandidate } from "@muffler/model";
import type { RouterEmbedder } from "../internal/contracts.ts";
import { Router } from "../router.ts";

/** The three priced candidates of the fixture, sorted names: big (id 0), mid (id 1), small (id 2). */
export const CANDIDATE_MODELS = ["big", "mid", "small"] as const;

/** Each candidate's quality is sigmoid(its logit); input $1e-5 / $1e-6 / $1e-7 and output 10x that per token, 100 output tokens. */
export function fixtureCandidates(): RouterCandidate[] {
  return CANDIDATE_MODELS.map((model, k) => ({
    model,
    inputCostPerToken: 1e-5 / 10 ** k,
    outputCostPerToken: 1e-4 / 10 ** k,
    expectedOutputTokens: 100,
    calibration: { intercept: 0, slope: 1, scoreRange: [0, 1] },
  }));
}

/**
 * A fake embedder for three candidates: "hard" prompts embed to e0 (big's logit 2, the others 0), "medium" to e1,
 * anything else to e2 (small's logit 2). `failing = true` makes it throw.
 */
export class CandidateEmbedder implements RouterEmbedder {
  readonly id = "fake-v1";
  readonly dimension = 4;
  failing = false;
  async embed(texts: string[]): Promise<Float32Array[]> {
    if (this.failing) throw new Error("fake embedder failure");
    return texts.map((text) => {
      const axis = text.includes("hard") ? 0 : text.includes("medium") ? 1 : 2;
      return Float32Array.from({ length: 4 }, (_, d) => (d === axis ? 1 : 0));
    });
  }
}

/** A router with three priced candidates: logit(m, q) = 2 q_m (P = I, W = the first three unit rows, c = 2). */
export function candidateRouter(options: { embedder?: CandidateEmbedder } = {}): { router: Router; embedder: CandidateEmbedder } {
  const embedder = options.embedder ?? new CandidateEmbedder();
  const models = [...CANDIDATE_MODELS];
  const router = new Router({
    parameters: {
      models,
      hidden: 3,
      dimension: 4,
      P: Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]),
      W: Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]),
      c: Float32Array.from([2, 2, 2]),
    },
    manifest: {
      models,
      strongModel: "big",
      weakModel: "small",
      hidden: 3,
      dimension: 4,
      embedder: { id: "fake-v1", name: "fake", dimension: 4 },
      candidates: fixtureCandidates(),
    },
    embedder,
  });
  return { router, embedder };
}
