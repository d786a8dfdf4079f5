export { AI_SDK_ERROR_CODES } from "./errors.ts";
export type { AiSdkErrorCode } from "./errors.ts";
export { RoutedLanguageModel, routedModel } from "./routed-model.ts";
export type { ModelRole, MufflerMetadata, RoutedModelOptions, RoutedModels, RoutingRouter } from "./routed-model.ts";
export { createMuffler } from "./create-muffler.ts";
export type { MufflerProvider, MufflerProviderOptions } from "./create-muffler.ts";
export { mufflerCallOptionsSchema } from "./muffler-call-options.ts";
export type { MufflerCallOptions } from "./muffler-call-options.ts";
