import type { Embedder } from "@muffler/embeddings";
import type { MFParameters, RouterManifest } from "@muffler/model";
import { Router, type RouterOptions } from "@muffler/router";

export const STRONG = "gpt-4-1106-preview";
export const WEAK = "mixtral-8x7b-instruct-v0.1";

/** Win rate of a prompt holding "hard" (sigmoid(2)) and of any other prompt (sigmoid(-2)). */
export const HARD_WIN_RATE = 1 / (1 + Math.exp(-2));
export const EASY_WIN_RATE = 1 / (1 + Math.exp(2));

/** H = 2, D = 4: winRate = sigmoid(2 (q0 - q1)). */
function parameters(): MFParameters {
  return { models: [STRONG, WEAK], hidden: 2, dimension: 4, P: Float32Array.from([1, 0, 0, 1]), W: Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0]), c: Float32Array.from([2, 2]) };
}

function manifest(calibrated: boolean): RouterManifest {
  return {
    format: "muffler-router",
    version: 1,
    models: [STRONG, WEAK],
    strongModel: STRONG,
    weakModel: WEAK,
    hidden: 2,
    dimension: 4,
    embedder: { id: "fake-v1", name: "fake", dimension: 4 },
    ...(calibrated && {
      thresholds: [
        { strongPercent: 0, threshold: 0.95, calibratedOn: "test" },
        { strongPercent: 50, threshold: 0.5, calibratedOn: "test" },
        { strongPercent: 100, threshold: 0, calibratedOn: "test" },
      ],
    }),
  };
}

/** Texts holding "hard" embed to e0 (strong wins), others to e1; records what it embedded; `failing` makes it throw. */
export class FakeEmbedder implements Embedder {
  readonly id = "fake-v1";
  readonly dimension = 4;
  readonly texts: string[] = [];
  failing = false;

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    this.texts.push(...texts);
    if (this.failing) throw new Error("fake embedder failure");
    return texts.map((text) => Float32Array.from(text.includes("hard") ? [1, 0, 0, 0] : [0, 1, 0, 0]));
  }
}

export function fixtureRouter(options: { calibrated?: boolean } & Partial<RouterOptions> = {}): { router: Router; embedder: FakeEmbedder } {
  const embedder = new FakeEmbedder();
  const { calibrated = true, ...rest } = options;
  const router = new Router({ parameters: parameters(), manifest: manifest(calibrated), embedder, maxWaitMs: 0, ...rest });
  return { router, embedder };
}
