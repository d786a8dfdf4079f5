import { NoSuchModelError } from "@ai-sdk/provider";
import type { EmbeddingModelV4, ImageModelV4, ProviderV4 } from "@ai-sdk/provider";
import { isMufflerError } from "@muffler/core";
import { parseRouterModel, ROUTER_ERROR_CODES } from "@muffler/router";
import type { RouteTurns } from "@muffler/router";
import { RoutedLanguageModel } from "./routed-model.ts";
import type { RoutedModels, RoutingRouter } from "./routed-model.ts";

/** Options of `createMuffler`. */
export interface MufflerProviderOptions {
  /** A loaded router (`await Router.load({ directory })`). */
  router: RoutingRouter;
  /** The strong and the weak language model. */
  models: RoutedModels;
  /** Which turns of the conversation the router reads. @default the router's own setting ("last-user") */
  turns?: RouteTurns;
  /** The provider name the AI SDK reports. @default "muffler" */
  provider?: string;
}

/** A provider whose model ids are RouteLLM's router names: `router-mf-<threshold>`, `router-mf-strong-<percent>`. */
export interface MufflerProvider extends ProviderV4 {
  (modelId: string): RoutedLanguageModel;
  languageModel(modelId: string): RoutedLanguageModel;
}

/**
 * An AI SDK provider for `customProvider` and `createProviderRegistry`: `muffler("router-mf-0.11593")` routes with
 * that threshold, `muffler("router-mf-strong-30")` with the threshold calibrated for 30% strong calls. A name that
 * is not a router name throws the SDK's `NoSuchModelError`; a number out of range throws `router/invalid-threshold` /
 * `router/invalid-strong-percent`.
 */
export function createMuffler(options: MufflerProviderOptions): MufflerProvider {
  const { router, models, turns, provider } = options;
  const languageModel = (modelId: string): RoutedLanguageModel => {
    let choice;
    try {
      choice = parseRouterModel(modelId);
    } catch (error) {
      if (isMufflerError(error) && error.code === ROUTER_ERROR_CODES.unknownRouterModel) {
        throw new NoSuchModelError({ modelId, modelType: "languageModel", message: error.message });
      }
      throw error;
    }
    return new RoutedLanguageModel({ router, models, ...choice, modelId, ...(turns !== undefined && { turns }), ...(provider !== undefined && { provider }) });
  };
  const noSuchModel = (modelType: "embeddingModel" | "imageModel") => (modelId: string): never => {
    throw new NoSuchModelError({ modelId, modelType, message: `The muffler provider has language models only (router-mf-<threshold>), not ${modelType}s.` });
  };
  const result = Object.assign((modelId: string) => languageModel(modelId), {
    specificationVersion: "v4" as const,
    languageModel,
    embeddingModel: noSuchModel("embeddingModel") as (modelId: string) => EmbeddingModelV4,
    imageModel: noSuchModel("imageModel") as (modelId: string) => ImageModelV4,
  });
  return result;
}
