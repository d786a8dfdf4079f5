import { isMufflerError, MufflerError, readSafetensors, writeSafetensors, type SafetensorsTensor, type SafetensorsTensorInput } from "@muffler/core";
import { MODEL_ERROR_CODES } from "./errors.ts";
import { assertParameterShapes, type MFParameters } from "./mf-parameters.ts";

/** The seed's tensor names (its MFGate/MFRB state dict). */
export const MF_TENSOR_NAMES = { P: "P.weight", W: "downproj_QtoP.weight", c: "Classifier.weight" } as const;

/** The parameters as safetensors tensors with the seed's names and shapes: P.weight [N,H], downproj_QtoP.weight [H,D], Classifier.weight [1,H]. */
export function parametersToTensors(parameters: MFParameters): Record<string, SafetensorsTensorInput> {
  assertParameterShapes(parameters);
  const { models, hidden, dimension } = parameters;
  return {
    [MF_TENSOR_NAMES.P]: { shape: [models.length, hidden], data: parameters.P },
    [MF_TENSOR_NAMES.W]: { shape: [hidden, dimension], data: parameters.W },
    [MF_TENSOR_NAMES.c]: { shape: [1, hidden], data: parameters.c },
  };
}

export interface ParametersFromTensorsOptions {
  /** Model names, id order. Their count must equal P.weight's rows. When absent: `model-0`, `model-1`, ... */
  models?: string[];
  /** The file the tensors came from, for error messages. */
  file?: string;
}

/**
 * Parameters from tensors with the seed's names (`P.weight` [N,H], `downproj_QtoP.weight` [H,D],
 * `Classifier.weight` [1,H]). F32 (or F16/BF16, widened) only; throws `model/bad-shape` or `model/bad-dtype`.
 */
export function parametersFromTensors(tensors: Record<string, SafetensorsTensor>, options: ParametersFromTensorsOptions = {}): MFParameters {
  const { file } = options;
  const get = (name: string): SafetensorsTensor & { data: Float32Array } => {
    const tensor = tensors[name];
    if (tensor === undefined) {
      throw new MufflerError(`The weights have no tensor "${name}" (found: ${Object.keys(tensors).join(", ") || "none"}).`, {
        code: MODEL_ERROR_CODES.badShape,
        ...(file !== undefined && { file }),
        field: name,
        hint: `An MF router needs ${Object.values(MF_TENSOR_NAMES).join(", ")}.`,
      });
    }
    if (!(tensor.data instanceof Float32Array)) {
      throw new MufflerError(`Tensor "${name}" has dtype ${tensor.dtype}; the router's weights must be floating point (F32).`, {
        code: MODEL_ERROR_CODES.badDtype,
        ...(file !== undefined && { file }),
        field: name,
      });
    }
    return tensor as SafetensorsTensor & { data: Float32Array };
  };
  const P = get(MF_TENSOR_NAMES.P);
  const W = get(MF_TENSOR_NAMES.W);
  const c = get(MF_TENSOR_NAMES.c);
  const shapeError = (name: string, shape: number[], expected: string) =>
    new MufflerError(`Tensor "${name}" has shape [${shape.join(", ")}], expected ${expected}.`, {
      code: MODEL_ERROR_CODES.badShape,
      ...(file !== undefined && { file }),
      field: name,
    });
  if (P.shape.length !== 2 || P.shape[0]! < 1 || P.shape[1]! < 1) throw shapeError(MF_TENSOR_NAMES.P, P.shape, "[N, H]");
  const [count, hidden] = P.shape as [number, number];
  if (W.shape.length !== 2 || W.shape[0] !== hidden || W.shape[1]! < 1) throw shapeError(MF_TENSOR_NAMES.W, W.shape, `[${hidden}, D] (H from P.weight)`);
  const dimension = W.shape[1]!;
  if (c.shape.length !== 2 || c.shape[0] !== 1 || c.shape[1] !== hidden) throw shapeError(MF_TENSOR_NAMES.c, c.shape, `[1, ${hidden}]`);
  const models = options.models ?? Array.from({ length: count }, (_, index) => `model-${index}`);
  if (models.length !== count) {
    throw new MufflerError(`P.weight has ${count} rows but ${models.length} model names were given (${models.join(", ")}).`, {
      code: MODEL_ERROR_CODES.badShape,
      ...(file !== undefined && { file }),
      field: MF_TENSOR_NAMES.P,
    });
  }
  return { models: [...models], hidden, dimension, P: P.data, W: W.data, c: c.data };
}

/** Reads MF parameters from a safetensors file with the seed's tensor names (a converted seed checkpoint works). */
export async function readMFParameters(path: string, options: Omit<ParametersFromTensorsOptions, "file"> = {}): Promise<MFParameters> {
  let file;
  try {
    file = await readSafetensors(path);
  } catch (error) {
    if (!isMufflerError(error)) throw error;
    throw new MufflerError(`Could not read the router weights: ${error.message}`, {
      code: MODEL_ERROR_CODES.badWeights,
      file: path,
      cause: error,
      hint: "Write the weights again (muffler train) or convert the checkpoint with safetensors.torch.save_file.",
    });
  }
  return parametersFromTensors(file.tensors, { ...options, file: path });
}

/** Writes MF parameters to a safetensors file (atomic) with the seed's tensor names. */
export async function writeMFParameters(path: string, parameters: MFParameters, metadata?: Record<string, string>): Promise<void> {
  await writeSafetensors(path, parametersToTensors(parameters), metadata);
}
