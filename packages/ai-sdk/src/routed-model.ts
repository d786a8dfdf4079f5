import type {
  JSONObject,
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
} from "@ai-sdk/provider";
import { MufflerError } from "@muffler/core";
import type { RouteThreshold, RouteTurns, Router } from "@muffler/router";
import { AI_SDK_ERROR_CODES } from "./errors.ts";
import { parseCallOptions } from "./muffler-call-options.ts";
import { promptToMessages } from "./internal/prompt-to-messages.ts";
import { intersectSupportedUrls } from "./internal/supported-urls.ts";

/** What `routedModel` needs of a router: a loaded `Router` from `@muffler/router` has it all. */
export type RoutingRouter = Pick<Router, "strongModel" | "weakModel" | "route" | "threshold">;

/** Which of the two models answers a call. */
export type ModelRole = "strong" | "weak";

/** The language models the router chooses between, by role. */
export interface RoutedModels {
  /** Called when the strong model's win rate reaches the threshold (and when routing fails: the fail-safe). */
  strong: LanguageModelV4;
  /** Called for every other prompt. */
  weak: LanguageModelV4;
}

/**
 * Options of `routedModel`. Give exactly one of `threshold` and `strongPercent`.
 * (A later `candidates` option, mapping each of a multi-model router's candidates to a model, will sit beside
 * `models`; the metadata already names the chosen model by the router's name for it.)
 */
export interface RoutedModelOptions {
  /** A loaded router (`await Router.load({ directory: "runs/<name>/router" })`). */
  router: RoutingRouter;
  /** The strong and the weak language model (any AI SDK provider's, specification v4). */
  models: RoutedModels;
  /** Route to the strong model when its win rate is at least this (0 to 1). */
  threshold?: number;
  /** Use the threshold calibrated into the bundle for this share of strong calls (0 to 100). */
  strongPercent?: number;
  /** Which turns of the conversation the router reads. @default the router's own setting ("last-user") */
  turns?: RouteTurns;
  /** The model id the AI SDK reports. @default `router-mf-<threshold>` or `router-mf-strong-<strongPercent>` */
  modelId?: string;
  /** The provider name the AI SDK reports. @default "muffler" */
  provider?: string;
}

/** `providerMetadata.muffler` of every result: which model answered and why. */
export interface MufflerMetadata extends JSONObject {
  /** The router's name of the chosen model (the manifest's strong or weak model name). */
  model: string;
  /** Which of `models` answered. */
  role: ModelRole;
  /** The `modelId` of the language model that answered. */
  modelId: string;
  /** P(strong beats weak | prompt); `null` when routing was skipped (`forceModel`) or failed (the fail-safe). */
  winRate: number | null;
  /** The threshold applied; `null` with `forceModel`. */
  threshold: number | null;
  /** `"embedding-failed"` when the router could not embed the prompt and chose the strong model to be safe. */
  failSafe: string | null;
}

interface Decision {
  role: ModelRole;
  metadata: MufflerMetadata;
}

/**
 * A language model for the Vercel AI SDK (`ai` 7, specification v4) that routes each call: the router reads the
 * prompt, and `doGenerate` / `doStream` go to the strong or the weak model. A call may override the threshold with
 * `providerOptions: { muffler: { threshold } | { strongPercent }, turns?, forceModel? }`; every result carries
 * `providerMetadata.muffler` (`MufflerMetadata`).
 */
export class RoutedLanguageModel implements LanguageModelV4 {
  readonly specificationVersion = "v4";
  readonly provider: string;
  readonly modelId: string;
  readonly #router: RoutingRouter;
  readonly #models: RoutedModels;
  readonly #choice: RouteThreshold;
  readonly #turns: RouteTurns | undefined;
  #supportedUrls: Promise<Record<string, RegExp[]>> | undefined;

  constructor(options: RoutedModelOptions) {
    const { router, models } = checkOptions(options);
    const choice = thresholdChoice(options);
    // Fail now, not on the first call, for a threshold out of range or a percent the bundle has no calibration for.
    router.threshold(choice);
    this.#router = router;
    this.#models = models;
    this.#choice = choice;
    this.#turns = options.turns;
    this.provider = options.provider ?? "muffler";
    this.modelId = options.modelId ?? (choice.threshold !== undefined ? `router-mf-${choice.threshold}` : `router-mf-strong-${choice.strongPercent}`);
  }

  /** The URL patterns both models accept (the SDK downloads the others before the call). */
  get supportedUrls(): PromiseLike<Record<string, RegExp[]>> {
    this.#supportedUrls ??= intersectSupportedUrls(this.#models.strong, this.#models.weak);
    return this.#supportedUrls;
  }

  /** The routing decision for a call, without calling a model (what `doGenerate` / `doStream` would choose). */
  async decide(options: Pick<LanguageModelV4CallOptions, "prompt" | "providerOptions">): Promise<MufflerMetadata> {
    return (await this.#decide(options)).metadata;
  }

  async doGenerate(options: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
    const { role, metadata } = await this.#decide(options);
    options.abortSignal?.throwIfAborted();
    const result = await this.#models[role].doGenerate(withoutMufflerOptions(options));
    return { ...result, providerMetadata: { ...result.providerMetadata, muffler: metadata } };
  }

  async doStream(options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    const { role, metadata } = await this.#decide(options);
    options.abortSignal?.throwIfAborted();
    const result = await this.#models[role].doStream(withoutMufflerOptions(options));
    const stream = result.stream.pipeThrough(
      new TransformStream<LanguageModelV4StreamPart, LanguageModelV4StreamPart>({
        transform(part, controller) {
          controller.enqueue(part.type === "finish" ? { ...part, providerMetadata: { ...part.providerMetadata, muffler: metadata } } : part);
        },
      }),
    );
    return { ...result, stream };
  }

  async #decide(options: Pick<LanguageModelV4CallOptions, "prompt" | "providerOptions">): Promise<Decision> {
    const call = parseCallOptions(options.providerOptions?.muffler);
    if (call.forceModel !== undefined) {
      const role = call.forceModel;
      return { role, metadata: this.#metadata(role, null, null, null) };
    }
    const choice: RouteThreshold =
      call.threshold !== undefined ? { threshold: call.threshold } : call.strongPercent !== undefined ? { strongPercent: call.strongPercent } : this.#choice;
    const turns = call.turns ?? this.#turns;
    const decision = await this.#router.route(promptToMessages(options.prompt), { ...choice, ...(turns !== undefined && { turns }) });
    const role: ModelRole = decision.model === this.#router.strongModel ? "strong" : "weak";
    return { role, metadata: this.#metadata(role, decision.winRate, decision.threshold, decision.failSafe ?? null) };
  }

  #metadata(role: ModelRole, winRate: number | null, threshold: number | null, failSafe: string | null): MufflerMetadata {
    return {
      model: role === "strong" ? this.#router.strongModel : this.#router.weakModel,
      role,
      modelId: this.#models[role].modelId,
      winRate,
      threshold,
      failSafe,
    };
  }
}

/**
 * A Vercel AI SDK language model that routes each call between `models.strong` and `models.weak` with `router`.
 * Throws `ai-sdk/invalid-options`, `ai-sdk/unsupported-model`, `ai-sdk/conflicting-thresholds`,
 * `ai-sdk/missing-threshold`, or the router's threshold errors (`router/invalid-threshold`, `router/not-calibrated`, ...).
 *
 * ```ts
 * const model = routedModel({ router, models: { strong: openai("gpt-4o"), weak: openai("gpt-4o-mini") }, strongPercent: 30 });
 * const { text, providerMetadata } = await generateText({ model, prompt: "Prove that sqrt(2) is irrational." });
 * ```
 */
export function routedModel(options: RoutedModelOptions): RoutedLanguageModel {
  return new RoutedLanguageModel(options);
}

function withoutMufflerOptions(options: LanguageModelV4CallOptions): LanguageModelV4CallOptions {
  if (options.providerOptions?.muffler === undefined) return options;
  const { muffler: _muffler, ...rest } = options.providerOptions;
  return { ...options, providerOptions: rest };
}

function thresholdChoice(options: RoutedModelOptions): RouteThreshold {
  const { threshold, strongPercent } = options;
  if (threshold !== undefined && strongPercent !== undefined) {
    throw new MufflerError("routedModel got both threshold and strongPercent.", {
      code: AI_SDK_ERROR_CODES.conflictingThresholds,
      field: "threshold",
      hint: "Give one of them: a win-rate threshold (0 to 1) or a calibrated share of strong calls (0 to 100).",
    });
  }
  if (threshold !== undefined) return { threshold };
  if (strongPercent !== undefined) return { strongPercent };
  throw new MufflerError("routedModel needs threshold or strongPercent.", {
    code: AI_SDK_ERROR_CODES.missingThreshold,
    field: "threshold",
    hint: "For example { threshold: 0.11593 } (RouteLLM's published 50% point for its MF router) or { strongPercent: 30 } on a calibrated bundle.",
  });
}

function checkOptions(options: RoutedModelOptions): { router: RoutingRouter; models: RoutedModels } {
  if (options === null || typeof options !== "object") {
    throw new MufflerError("routedModel needs an options object { router, models: { strong, weak }, threshold | strongPercent }.", { code: AI_SDK_ERROR_CODES.invalidOptions });
  }
  const { router, models } = options;
  if (router === null || typeof router !== "object" || typeof router.route !== "function" || typeof router.threshold !== "function") {
    throw new MufflerError("router must be a loaded Router from @muffler/router.", {
      code: AI_SDK_ERROR_CODES.invalidOptions,
      field: "router",
      hint: 'Create it with `await Router.load({ directory: "runs/<name>/router" })`.',
    });
  }
  if (models === null || typeof models !== "object") {
    throw new MufflerError("models must be { strong, weak }, two AI SDK language models.", { code: AI_SDK_ERROR_CODES.invalidOptions, field: "models" });
  }
  for (const role of ["strong", "weak"] as const) checkModel(models[role], `models.${role}`);
  return { router, models };
}

function checkModel(model: unknown, field: string): void {
  if (model === null || typeof model !== "object") {
    throw new MufflerError(`${field} is missing or not a language model.`, {
      code: AI_SDK_ERROR_CODES.invalidOptions,
      field,
      hint: 'Pass a model object from a provider, e.g. openai("gpt-4o"), not a model id string.',
    });
  }
  const candidate = model as Partial<LanguageModelV4> & { specificationVersion?: unknown };
  if (candidate.specificationVersion !== "v4" || typeof candidate.doGenerate !== "function" || typeof candidate.doStream !== "function") {
    throw new MufflerError(`${field} implements language model specification ${String(candidate.specificationVersion)}, not v4.`, {
      code: AI_SDK_ERROR_CODES.unsupportedModel,
      field,
      hint: "Use a provider package made for ai 7 (its models implement specification v4).",
    });
  }
}
