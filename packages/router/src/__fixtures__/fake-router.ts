import type { RouterBundleManifest, RouterEmbedder, RouterParameters } from "../internal/contracts.ts";
import { Router, type RouterOptions } from "../router.ts";

/** Strong and weak model names of the fixture (sorted: strong is id 0). */
export const STRONG = "gpt-4-1106-preview";
export const WEAK = "mixtral-8x7b-instruct-v0.1";

/**
 * Hand-made MF parameters (H = 2, D = 4) whose strong win rate is sigmoid(2 (q0 - q1)):
 * P = [[1, 0], [0, 1]], W = first two unit rows, c = [2, 2].
 */
export function fixtureParameters(): RouterParameters {
  return {
    models: [STRONG, WEAK],
    hidden: 2,
    dimension: 4,
    P: Float32Array.from([1, 0, 0, 1]),
    W: Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0]),
    c: Float32Array.from([2, 2]),
  };
}

export function fixtureManifest(overrides: Partial<RouterBundleManifest> = {}): RouterBundleManifest {
  return {
    models: [STRONG, WEAK],
    strongModel: STRONG,
    weakModel: WEAK,
    hidden: 2,
    dimension: 4,
    embedder: { id: "fake-v1", name: "fake", dimension: 4 },
    thresholds: [
      { strongPercent: 0, threshold: 0.95, calibratedOn: "test" },
      { strongPercent: 50, threshold: 0.5, calibratedOn: "test" },
      { strongPercent: 100, threshold: 0, calibratedOn: "test" },
    ],
    ...overrides,
  };
}

/** Win rate of a prompt containing "hard" (sigmoid(2)) and of any other prompt (sigmoid(-2)). */
export const HARD_WIN_RATE = 1 / (1 + Math.exp(-2));
export const EASY_WIN_RATE = 1 / (1 + Math.exp(2));

/**
 * A fake embedder: prompts containing "hard" embed to e0 (strong wins), others to e1 (weak wins); "half" to
 * (e0 + e1)/sqrt(2) (win rate 0.5). Records every batch; `failing = true` makes it throw, and `poison` makes the
 * batches that hold it throw.
 */
export class FakeEmbedder implements RouterEmbedder {
  readonly id = "fake-v1";
  readonly dimension = 4;
  readonly batches: string[][] = [];
  failing = false;
  /** A batch holding a text that contains this string fails (one bad prompt). */
  poison: string | undefined;
  delayMs = 0;

  async embed(texts: string[]): Promise<Float32Array[]> {
    this.batches.push([...texts]);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failing) throw new Error("fake embedder failure");
    if (this.poison !== undefined && texts.some((text) => text.includes(this.poison!))) throw new Error("fake embedder failure on one prompt");
    return texts.map((text) => {
      if (text.includes("half")) return Float32Array.from([Math.SQRT1_2, Math.SQRT1_2, 0, 0]);
      return text.includes("hard") ? Float32Array.from([1, 0, 0, 0]) : Float32Array.from([0, 1, 0, 0]);
    });
  }
}

export function fixtureRouter(options: Partial<RouterOptions> = {}): { router: Router; embedder: FakeEmbedder } {
  const embedder = (options.embedder as FakeEmbedder | undefined) ?? new FakeEmbedder();
  const router = new Router({ parameters: fixtureParameters(), manifest: fixtureManifest(), ...options, embedder });
  return { router, embedder };
}
