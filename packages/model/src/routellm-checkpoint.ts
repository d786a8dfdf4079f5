import { isMufflerError, MufflerError, readSafetensors, type SafetensorsTensor } from "@muffler/core";
import { MODEL_ERROR_CODES } from "./errors.ts";
import type { MFParameters } from "./mf-parameters.ts";
import { parametersFromTensors, MF_TENSOR_NAMES } from "./mf-weights.ts";

/**
 * RouteLLM's 64 model names in id order: `MODEL_IDS` of routellm/routers/matrix_factorization/model.py, the rows of
 * `P.weight` in its published MF checkpoints (routellm/mf_gpt4_augmented).
 */
export const ROUTELLM_MODEL_IDS: readonly string[] = Object.freeze([
  "RWKV-4-Raven-14B", "alpaca-13b", "chatglm-6b", "chatglm2-6b", "chatglm3-6b", "claude-1", "claude-2.0", "claude-2.1",
  "claude-instant-1", "codellama-34b-instruct", "deepseek-llm-67b-chat", "dolly-v2-12b", "dolphin-2.2.1-mistral-7b",
  "falcon-180b-chat", "fastchat-t5-3b", "gemini-pro", "gemini-pro-dev-api", "gpt-3.5-turbo-0125", "gpt-3.5-turbo-0314",
  "gpt-3.5-turbo-0613", "gpt-3.5-turbo-1106", "gpt-4-0125-preview", "gpt-4-0314", "gpt-4-0613", "gpt-4-1106-preview",
  "gpt4all-13b-snoozy", "guanaco-33b", "koala-13b", "llama-13b", "llama-2-13b-chat", "llama-2-70b-chat", "llama-2-7b-chat",
  "llama2-70b-steerlm-chat", "mistral-7b-instruct", "mistral-7b-instruct-v0.2", "mistral-medium", "mixtral-8x7b-instruct-v0.1",
  "mpt-30b-chat", "mpt-7b-chat", "nous-hermes-2-mixtral-8x7b-dpo", "oasst-pythia-12b", "openchat-3.5", "openchat-3.5-0106",
  "openhermes-2.5-mistral-7b", "palm-2", "pplx-70b-online", "pplx-7b-online", "qwen-14b-chat", "qwen1.5-4b-chat",
  "qwen1.5-72b-chat", "qwen1.5-7b-chat", "solar-10.7b-instruct-v1.0", "stablelm-tuned-alpha-7b", "starling-lm-7b-alpha",
  "stripedhyena-nous-7b", "tulu-2-dpo-70b", "vicuna-13b", "vicuna-33b", "vicuna-7b", "wizardlm-13b", "wizardlm-70b",
  "yi-34b-chat", "zephyr-7b-alpha", "zephyr-7b-beta",
]);

/** RouteLLM's default routed pair (MatrixFactorizationRouter, its README and its paper). */
export const ROUTELLM_DEFAULT_PAIR = { strongModel: "gpt-4-1106-preview", weakModel: "mixtral-8x7b-instruct-v0.1" } as const;

/**
 * RouteLLM's published calibration for its MF router on the default pair: threshold 0.11593 sends about 50% of
 * Chatbot Arena traffic to the strong model (`router-mf-0.11593`, from `python -m routellm.calibrate_threshold
 * --routers mf --strong-model-pct 0.5`, RouteLLM's README).
 */
export const ROUTELLM_PUBLISHED_THRESHOLD = { strongPercent: 50, threshold: 0.11593, calibratedOn: "routellm-published:chatbot-arena" } as const;

/**
 * The tensor names RouteLLM's MFModel state dict uses, each with its accepted spellings: the published checkpoint's
 * (`nn.Sequential` layers: `text_proj.0.weight`, `classifier.0.weight`) and the training script's plain layers.
 */
export const ROUTELLM_TENSOR_NAMES = {
  P: ["P.weight"],
  W: ["text_proj.0.weight", "text_proj.weight"],
  c: ["classifier.0.weight", "classifier.weight"],
} as const;

export interface RouteLLMTensorsOptions {
  /** Model names in id order, one per row of P.weight. @default ROUTELLM_MODEL_IDS */
  models?: readonly string[];
  /** The file the tensors came from, for error messages. */
  file?: string;
}

/**
 * MF parameters from the tensors of RouteLLM's MFModel: `P.weight` [N, H] (N = 64), `text_proj.0.weight` [H, D]
 * (D = 1536, text-embedding-3-small), `classifier.0.weight` [1, H], no biases. RouteLLM's forward,
 * `classifier(normalize(P[m]) * text_proj(q))`, is Muffler's logit, so the tensors map one to one (W = text_proj,
 * c = classifier). Throws `model/bad-shape` (a tensor missing, a bias, shapes that disagree, a row count that is
 * not the number of models) or `model/bad-dtype`.
 */
export function parametersFromRouteLLMTensors(tensors: Record<string, SafetensorsTensor>, options: RouteLLMTensorsOptions = {}): MFParameters {
  const { file } = options;
  const models = [...(options.models ?? ROUTELLM_MODEL_IDS)];
  const located = { ...(file !== undefined && { file }) };
  const pick = (names: readonly string[]): SafetensorsTensor => {
    const name = names.find((candidate) => tensors[candidate] !== undefined);
    if (name === undefined) {
      throw new MufflerError(`The checkpoint has no tensor ${names.map((entry) => `"${entry}"`).join(" or ")} (found: ${Object.keys(tensors).join(", ") || "none"}).`, {
        code: MODEL_ERROR_CODES.badShape,
        ...located,
        field: names[0]!,
        hint: "Give the model.safetensors of a RouteLLM MF router (e.g. routellm/mf_gpt4_augmented): P.weight, text_proj.0.weight, classifier.0.weight.",
      });
    }
    return tensors[name]!;
  };
  const bias = Object.keys(tensors).find((name) => name.endsWith(".bias"));
  if (bias !== undefined) {
    throw new MufflerError(`The checkpoint has a bias tensor "${bias}"; RouteLLM's MF layers have none, so this is another model.`, { code: MODEL_ERROR_CODES.badShape, ...located, field: bias });
  }
  const P = pick(ROUTELLM_TENSOR_NAMES.P);
  const W = pick(ROUTELLM_TENSOR_NAMES.W);
  const c = pick(ROUTELLM_TENSOR_NAMES.c);
  if (P.shape.length === 2 && P.shape[0] !== models.length) {
    throw new MufflerError(`P.weight has ${P.shape[0]} rows but ${models.length} model names are known (RouteLLM's MODEL_IDS has 64).`, {
      code: MODEL_ERROR_CODES.badShape,
      ...located,
      field: "P.weight",
      hint: "Pass the checkpoint's model names in id order (models), or use a checkpoint trained on RouteLLM's 64 Arena models.",
    });
  }
  if (c.shape.length === 2 && c.shape[0] !== 1) {
    throw new MufflerError(`The classifier has shape [${c.shape.join(", ")}]: ${c.shape[0]} classes, but the MF router has one (num_classes=1).`, {
      code: MODEL_ERROR_CODES.badShape,
      ...located,
      field: "classifier.0.weight",
    });
  }
  return parametersFromTensors({ [MF_TENSOR_NAMES.P]: P, [MF_TENSOR_NAMES.W]: W, [MF_TENSOR_NAMES.c]: c }, { models, ...located });
}

/** Reads a RouteLLM MF checkpoint (`model.safetensors`) as MF parameters; see `parametersFromRouteLLMTensors`. */
export async function readRouteLLMCheckpoint(path: string, options: Omit<RouteLLMTensorsOptions, "file"> = {}): Promise<MFParameters> {
  let file;
  try {
    file = await readSafetensors(path);
  } catch (error) {
    if (!isMufflerError(error)) throw error;
    throw new MufflerError(`Could not read the RouteLLM checkpoint: ${error.message}`, {
      code: MODEL_ERROR_CODES.badWeights,
      file: path,
      cause: error,
      hint: "Give the model.safetensors file of the checkpoint (a .pth state dict converts with safetensors.torch.save_file).",
    });
  }
  return parametersFromRouteLLMTensors(file.tensors, { ...options, file: path });
}
