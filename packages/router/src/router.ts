import { MufflerError } from "@muffler/core";
import { lambdaForBudget, manifestThresholds, MFRB, type CalibratedBudget, type RouterCandidate } from "@muffler/model";
import { decideCandidate, estimateCandidates, resolvePolicy, type PolicyRouteDecision, type PolicyRouteOptions } from "./candidate-decision.ts";
import { ROUTER_ERROR_CODES } from "./errors.ts";
import type { RouterBundleManifest, RouterEmbedder, RouterParameters } from "./internal/contracts.ts";
import { type CreateEmbedder, type LoadBundle, defaultCreateEmbedder, defaultLoadBundle } from "./internal/default-loaders.ts";
import { MicroBatcher } from "./internal/micro-batcher.ts";
import { type CalibratedThreshold, type RouteThreshold, resolveThreshold } from "./resolve-threshold.ts";
import { type RouteInput, type RouteTurns, routingText } from "./route-input.ts";

/** What to do when the embedder fails. */
export const EMBEDDING_FAILURE_POLICIES = ["strong", "throw"] as const;
/** `strong`: answer with the strong model (the fail-safe: quality over cost); `throw`: reject with `router/embedding-failed`. */
export type EmbeddingFailurePolicy = (typeof EMBEDDING_FAILURE_POLICIES)[number];

export interface RouterOptions {
  /** The MF parameters (from `loadRouterBundle` or `initializeParameters`). */
  parameters: RouterParameters;
  /** The bundle's manifest: strong and weak model names, embedder, calibrated thresholds. */
  manifest: RouterBundleManifest;
  /** The prompt embedder; its dimension must match the parameters'. */
  embedder: RouterEmbedder;
  /** Which turns of a conversation count. @default "last-user" */
  turns?: RouteTurns;
  /** Largest embedding batch that concurrent `route()` calls share. @default 64 */
  maxBatchSize?: number;
  /** Longest wait, in milliseconds, for other requests to join a batch. @default 2 */
  maxWaitMs?: number;
  /** Longest text, in characters, the router embeds; longer input is rejected (`router/prompt-too-long`). @default 32000 */
  maxPromptChars?: number;
  /** What to do when the embedder fails. @default "strong" */
  onEmbeddingFailure?: EmbeddingFailurePolicy;
  /** Accept an embedder whose id differs from the manifest's (same dimension still required). @default false */
  allowEmbedderMismatch?: boolean;
  /** Called when the embedder fails and the fail-safe answers (for logs and metrics). @default undefined */
  onFailSafe?: (error: unknown) => void;
}

export interface LoadRouterOptions extends Omit<RouterOptions, "parameters" | "manifest" | "embedder"> {
  /** The router bundle directory (`runs/<name>/router`, holding router.json and router.safetensors). */
  directory: string;
  /** An embedder to use instead of creating the one the manifest stores. @default createEmbedder(manifest.embedder) */
  embedder?: RouterEmbedder;
  /** Replaces `loadRouterBundle` from @muffler/model (tests). @default loadRouterBundle */
  loadBundle?: LoadBundle;
  /** Replaces `createEmbedder` from @muffler/embeddings (tests). @default createEmbedder */
  createEmbedder?: CreateEmbedder;
}

/** One routing decision. */
export interface RouteDecision {
  /** The model to call: the manifest's strong or weak model name. */
  model: string;
  /** P(strong beats weak | prompt); `null` when the embedder failed and the fail-safe chose the strong model. */
  winRate: number | null;
  /** The win-rate threshold applied (strong when `winRate >= threshold`). */
  threshold: number;
  /** Set when the decision is the fail-safe one (the embedder failed). */
  failSafe?: "embedding-failed";
}

export type RouteOptions = RouteThreshold & {
  /** Which turns count, overriding the router's setting. @default the router's `turns` */
  turns?: RouteTurns;
};

/**
 * A loaded MF router: embeds a prompt and compares the strong model's win rate with a threshold.
 * Concurrent `route()` calls share embedding batches (micro-batching with a bounded wait).
 */
export class Router {
  readonly strongModel: string;
  readonly weakModel: string;
  readonly embedderId: string;
  readonly calibratedThresholds: readonly CalibratedThreshold[];
  readonly #embedder: RouterEmbedder;
  readonly #model: MFRB;
  readonly #strongId: number;
  readonly #weakId: number;
  readonly #batcher: MicroBatcher<string, Float32Array>;
  /** N-candidate routing: the manifest's priced candidates (empty for a two-model router). */
  readonly candidates: readonly RouterCandidate[];
  #budgets: CalibratedBudget[];
  readonly #turns: RouteTurns;
  readonly #maxPromptChars: number;
  readonly #onEmbeddingFailure: EmbeddingFailurePolicy;
  readonly #onFailSafe: ((error: unknown) => void) | undefined;
  readonly #staleThresholds: number;
  #closed = false;

  /** Loads the bundle in `directory` and creates (or takes) its embedder. */
  static async load(options: LoadRouterOptions): Promise<Router> {
    const { directory, embedder, loadBundle = defaultLoadBundle, createEmbedder = defaultCreateEmbedder, ...rest } = options;
    const { parameters, manifest } = await loadBundle(directory);
    const chosen = embedder ?? (await createEmbedder(manifest.embedder));
    return new Router({ ...rest, parameters, manifest, embedder: chosen });
  }

  constructor(options: RouterOptions) {
    const { parameters, manifest, embedder } = options;
    const strongId = manifest.models.indexOf(manifest.strongModel);
    const weakId = manifest.models.indexOf(manifest.weakModel);
    if (strongId < 0 || weakId < 0 || strongId === weakId) {
      throw new MufflerError(
        `The manifest's strongModel "${manifest.strongModel}" and weakModel "${manifest.weakModel}" must be two different names from its models list.`,
        { code: ROUTER_ERROR_CODES.badBundle, field: "strongModel", hint: "Train the router with --strong-model and --weak-model set." },
      );
    }
    if (parameters.P.length !== parameters.models.length * parameters.hidden || parameters.W.length !== parameters.hidden * parameters.dimension || parameters.c.length !== parameters.hidden) {
      throw new MufflerError("The router parameters' tensor sizes do not match their models, hidden and dimension.", { code: ROUTER_ERROR_CODES.badBundle });
    }
    if (parameters.models.length !== manifest.models.length || parameters.models.some((name, index) => name !== manifest.models[index])) {
      throw new MufflerError("The router parameters and the manifest list different models.", { code: ROUTER_ERROR_CODES.badBundle, field: "models" });
    }
    if (embedder.dimension !== parameters.dimension) {
      throw new MufflerError(
        `The embedder "${embedder.id}" gives ${embedder.dimension}-d vectors but the router was trained on ${parameters.dimension}-d ones (embedder "${manifest.embedder.id}").`,
        { code: ROUTER_ERROR_CODES.badBundle, field: "embedder", hint: `Use the embedder the router was trained with: ${manifest.embedder.name}.` },
      );
    }
    if (embedder.id !== manifest.embedder.id && options.allowEmbedderMismatch !== true) {
      throw new MufflerError(`The router was trained on embedder "${manifest.embedder.id}" but was given "${embedder.id}".`, {
        code: ROUTER_ERROR_CODES.badBundle,
        field: "embedder",
        hint: `Create the embedder with createEmbedder(manifest.embedder) (name ${manifest.embedder.name} and its stored options), or pass allowEmbedderMismatch: true if you know they embed alike.`,
      });
    }
    this.strongModel = manifest.strongModel;
    this.weakModel = manifest.weakModel;
    this.embedderId = embedder.id;
    // Thresholds calibrated for other weights (trained again after calibrating) never route (see manifestThresholds).
    const { current, stale } = manifestThresholds(manifest);
    this.calibratedThresholds = current;
    this.#staleThresholds = stale.length;
    this.#embedder = embedder;
    this.#model = new MFRB(parameters);
    this.#strongId = strongId;
    this.#weakId = weakId;
    this.#turns = options.turns ?? "last-user";
    this.#maxPromptChars = options.maxPromptChars ?? 32_000;
    this.#onEmbeddingFailure = options.onEmbeddingFailure ?? "strong";
    this.#onFailSafe = options.onFailSafe;
    this.candidates = manifest.candidates ?? [];
    for (const candidate of this.candidates) {
      if (!manifest.models.includes(candidate.model)) {
        throw new MufflerError(`Candidate "${candidate.model}" is not one of the router's models (${manifest.models.join(", ")}).`, { code: ROUTER_ERROR_CODES.badBundle, field: "candidates" });
      }
    }
    this.#budgets = [...(manifest.budgets ?? [])];
    this.#batcher = new MicroBatcher<string, Float32Array>({
      maxBatchSize: options.maxBatchSize ?? 64,
      maxWaitMs: options.maxWaitMs ?? 2,
      maxConcurrentBatches: embedder.concurrency ?? 1,
      run: async (texts) => this.#embedder.embed(texts, { batchSize: texts.length }),
    });
  }

  /** The win-rate threshold `choice` stands for (see `resolveThreshold`). */
  threshold(choice: RouteThreshold): number {
    if (choice.strongPercent !== undefined && this.calibratedThresholds.length === 0 && this.#staleThresholds > 0) {
      throw new MufflerError(`This router's ${this.#staleThresholds} calibrated thresholds were calibrated for other weights than its router.safetensors, so it cannot route by strong-model percent.`, {
        code: ROUTER_ERROR_CODES.staleThresholds,
        field: "strongPercent",
        hint: "Run `muffler calibrate` on the run again (the router was trained again after it was calibrated), or route with an explicit threshold (router-mf-<threshold>).",
      });
    }
    return resolveThreshold(choice, this.calibratedThresholds);
  }

  /** The text `route()` embeds for `input` (validated: not empty, not longer than `maxPromptChars`). */
  textOf(input: RouteInput, turns?: RouteTurns): string {
    const text = routingText(input, { turns: turns ?? this.#turns });
    if (text.length > this.#maxPromptChars) {
      throw new MufflerError(`The text to route on has ${text.length} characters; the limit is ${this.#maxPromptChars}.`, {
        code: ROUTER_ERROR_CODES.promptTooLong,
        ...(typeof input === "string" ? {} : { field: "messages" }),
        hint: "Shorten the prompt or raise maxPromptChars.",
      });
    }
    return text;
  }

  /** P(strong beats weak) for one input (shares an embedding batch with concurrent calls). */
  async winRate(input: RouteInput, options: { turns?: RouteTurns } = {}): Promise<number> {
    this.#assertOpen();
    const vector = await this.#batcher.submit(this.textOf(input, options.turns));
    return this.#model.winRate(this.#strongId, this.#weakId, vector);
  }

  /**
   * Routes one input. With `{ threshold }` or `{ strongPercent }`: the strong model when its win rate reaches the
   * threshold, else the weak one. With `{ policy }` (a router with priced candidates): the candidate the policy picks
   * from each candidate's estimated quality and cost, every estimate and the reason reported.
   */
  async route(input: RouteInput, options: RouteOptions): Promise<RouteDecision>;
  async route(input: RouteInput, options: PolicyRouteOptions): Promise<PolicyRouteDecision>;
  async route(input: RouteInput, options: RouteOptions | PolicyRouteOptions): Promise<RouteDecision | PolicyRouteDecision> {
    if ("policy" in options) return this.#routePolicy(input, options);
    const threshold = this.threshold(options);
    const text = this.textOf(input, options.turns);
    this.#assertOpen();
    let winRate: number;
    try {
      winRate = this.#model.winRate(this.#strongId, this.#weakId, await this.#batcher.submit(text));
    } catch (error) {
      return this.#failSafe(error, threshold);
    }
    return this.#decideOrFailSafe(winRate, threshold);
  }

  /** The budgets calibrated so far (from the manifest and {@link calibrateBudget}). */
  get budgets(): readonly CalibratedBudget[] {
    return this.#budgets;
  }

  /**
   * Calibrates a budget (USD per 1,000 requests) to a tradeoff lambda on traffic (a sample of prompts), as
   * strong-percent calibration does for thresholds; later `{ policy: { kind: "budget", usdPer1kRequests } }` calls use it.
   */
  async calibrateBudget(options: { traffic: readonly RouteInput[]; usdPer1kRequests: number; calibratedOn?: string }): Promise<CalibratedBudget & { reachable: boolean }> {
    this.#assertCandidates();
    const texts = options.traffic.map((input) => this.textOf(input));
    this.#assertOpen();
    const vectors = await this.#embedder.embed(texts);
    const traffic = vectors.map((vector, i) => estimateCandidates({ model: this.#model, candidates: this.candidates, vector, text: texts[i]! }));
    const result = lambdaForBudget({ traffic, usdPer1kRequests: options.usdPer1kRequests });
    const budget = { usdPer1kRequests: options.usdPer1kRequests, lambda: result.lambda, calibratedOn: options.calibratedOn ?? `${texts.length} prompts` };
    this.#budgets = [...this.#budgets.filter((entry) => entry.usdPer1kRequests !== budget.usdPer1kRequests), budget];
    return { ...budget, reachable: result.reachable };
  }

  async #routePolicy(input: RouteInput, options: PolicyRouteOptions): Promise<PolicyRouteDecision> {
    this.#assertCandidates();
    const policy = resolvePolicy(options.policy, this.#budgets);
    const text = this.textOf(input, options.turns);
    this.#assertOpen();
    let estimates;
    try {
      const vector = await this.#batcher.submit(text);
      estimates = estimateCandidates({ model: this.#model, candidates: this.candidates, vector, text });
      if (estimates.some((estimate) => !Number.isFinite(estimate.quality))) throw new Error("The embedder returned a vector with non-finite values.");
    } catch (error) {
      this.#failSafe(error, 0);
      return { model: this.strongModel, policy, candidates: [], reason: "fail-safe: the prompt could not be embedded, so the strong model answers", failSafe: "embedding-failed" };
    }
    return decideCandidate(estimates, policy, options.policy);
  }

  #assertCandidates(): void {
    if (this.candidates.length === 0) {
      throw new MufflerError("This router has no priced candidates, so it routes by threshold or strongPercent only.", {
        code: ROUTER_ERROR_CODES.notCalibrated,
        field: "policy",
        hint: "Use a router bundle whose router.json lists candidates (trained on a priced benchmark).",
      });
    }
  }

  /** Routes many inputs with one embedding call per batch of `maxBatchSize`. */
  async routeBatch(inputs: readonly RouteInput[], options: RouteOptions): Promise<RouteDecision[]> {
    const threshold = this.threshold(options);
    const texts = inputs.map((input) => this.textOf(input, options.turns));
    this.#assertOpen();
    let winRates: number[];
    try {
      const vectors = await this.#embedder.embed(texts);
      winRates = vectors.map((vector) => this.#model.winRate(this.#strongId, this.#weakId, vector));
    } catch (error) {
      const decision = this.#failSafe(error, threshold);
      return texts.map(() => ({ ...decision }));
    }
    return winRates.map((winRate) => this.#decideOrFailSafe(winRate, threshold));
  }

  /** Stops routing and releases the embedder. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#embedder.dispose?.();
  }

  #decideOrFailSafe(winRate: number, threshold: number): RouteDecision {
    // A broken vector (NaN from a misbehaving embedder) must not silently pick the weak model.
    if (!Number.isFinite(winRate)) return this.#failSafe(new Error("The embedder returned a vector with non-finite values."), threshold);
    return { model: winRate >= threshold ? this.strongModel : this.weakModel, winRate, threshold };
  }

  #failSafe(error: unknown, threshold: number): RouteDecision {
    if (this.#onEmbeddingFailure === "throw") {
      throw new MufflerError("The embedder failed, so the prompt could not be routed.", { code: ROUTER_ERROR_CODES.embeddingFailed, kind: "internal", cause: error });
    }
    this.#onFailSafe?.(error);
    return { model: this.strongModel, winRate: null, threshold, failSafe: "embedding-failed" };
  }

  #assertOpen(): void {
    if (this.#closed) throw new MufflerError("This router was closed.", { code: ROUTER_ERROR_CODES.closed, kind: "internal" });
  }
}
