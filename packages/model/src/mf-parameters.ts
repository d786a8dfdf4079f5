import { MufflerError, SeededRandom } from "@muffler/core";
import { MODEL_ERROR_CODES } from "./errors.ts";

/**
 * The matrix-factorization router's parameters for N models (RouteLLM's MF; the seed's MFGate/MFRB).
 * logit(m, q) = c . (normalize(P[m]) * (W q)).
 */
export interface MFParameters {
  /** Model names; a model's id is its index here (the dataset manifest's sorted order). */
  models: string[];
  /** H, the model-embedding size. */
  hidden: number;
  /** D, the prompt-embedding size (the embedder's dimension). */
  dimension: number;
  /** Model embeddings, N x H row-major (`P.weight`). */
  P: Float32Array;
  /** Down-projection, H x D row-major, as nn.Linear(D, H).weight (`downproj_QtoP.weight`). */
  W: Float32Array;
  /** Classifier, H (`Classifier.weight`, shape [1, H]). */
  c: Float32Array;
}

export interface InitializeParametersOptions {
  /** Model names (ids are indexes). */
  models: string[];
  /** H. @default 128 */
  hidden?: number;
  /** D, the embedder's dimension. */
  dimension: number;
  /** Seed of the initialization. @default 0 */
  seed?: number;
}

/**
 * Fresh parameters initialized like PyTorch's defaults for the seed's layers, from a seeded generator:
 * P (nn.Embedding) ~ N(0, 1); W (nn.Linear(D, H)) ~ U(-1/sqrt(D), 1/sqrt(D)); c (nn.Linear(H, 1)) ~ U(-1/sqrt(H), 1/sqrt(H)).
 */
export function initializeParameters(options: InitializeParametersOptions): MFParameters {
  const { models, hidden = 128, dimension, seed = 0 } = options;
  if (models.length === 0) {
    throw new MufflerError("initializeParameters needs at least one model.", { code: MODEL_ERROR_CODES.invalidOptions, field: "models" });
  }
  for (const [field, value] of [["hidden", hidden], ["dimension", dimension]] as const) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new MufflerError(`${field} must be a positive integer, got ${value}.`, { code: MODEL_ERROR_CODES.invalidOptions, field });
    }
  }
  const random = new SeededRandom(seed);
  const P = new Float32Array(models.length * hidden);
  for (let i = 0; i < P.length; i++) P[i] = random.normal();
  const W = new Float32Array(hidden * dimension);
  const boundW = 1 / Math.sqrt(dimension);
  for (let i = 0; i < W.length; i++) W[i] = (2 * random.next() - 1) * boundW;
  const c = new Float32Array(hidden);
  const boundC = 1 / Math.sqrt(hidden);
  for (let i = 0; i < c.length; i++) c[i] = (2 * random.next() - 1) * boundC;
  return { models: [...models], hidden, dimension, P, W, c };
}

/** A deep copy (new arrays). */
export function cloneParameters(parameters: MFParameters): MFParameters {
  return { ...parameters, models: [...parameters.models], P: parameters.P.slice(), W: parameters.W.slice(), c: parameters.c.slice() };
}

/** Checks that the arrays have the sizes the dimensions say; throws `model/bad-shape` otherwise. */
export function assertParameterShapes(parameters: MFParameters): void {
  const { models, hidden, dimension, P, W, c } = parameters;
  const expected: [string, number, number][] = [
    ["P", P.length, models.length * hidden],
    ["W", W.length, hidden * dimension],
    ["c", c.length, hidden],
  ];
  for (const [name, actual, wanted] of expected) {
    if (actual !== wanted) {
      throw new MufflerError(`Parameter ${name} has ${actual} values, expected ${wanted} (N=${models.length}, H=${hidden}, D=${dimension}).`, {
        code: MODEL_ERROR_CODES.badShape,
        field: name,
        kind: "internal",
      });
    }
  }
}
