import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { isMufflerError, MufflerError, readSafetensors, writeSafetensors, type SafetensorsTensorInput } from "@muffler/core";
import { MF_TENSOR_NAMES, parametersFromTensors, parametersToTensors, type MFParameters } from "@muffler/model";
import { TRAINING_ERROR_CODES } from "../errors.ts";
import type { TrainingHistory } from "../training-history.ts";
import type { AdamState } from "./engine.ts";

/** Everything a run needs to continue after epoch `epoch` exactly as if it had not stopped. */
export interface CheckpointState {
  /** Completed epochs. */
  epoch: number;
  parameters: MFParameters;
  adam: AdamState;
  best: MFParameters;
  bestLoss: number;
  /** Epochs since the best loss improved (early stopping). */
  epochsWithoutImprovement: number;
  /** ReduceLROnPlateau's own best and counter. */
  plateauBest: number;
  plateauEpochs: number;
  /** The rate of the next epoch. */
  learningRate: number;
  stopped: boolean;
  history: TrainingHistory;
  /** Hash of the data, the options that shape the result and the initial parameters. */
  fingerprint: string;
}

const FORMAT = "muffler-training-checkpoint";
const FILE_PATTERN = /^epoch-(\d+)\.safetensors$/;

/** The checkpoint file of an epoch: `<directory>/epoch-<n>.safetensors`. */
export function checkpointPath(directory: string, epoch: number): string {
  return join(directory, `epoch-${epoch}.safetensors`);
}

/**
 * Writes a checkpoint atomically: the current weights under the seed's names (so a checkpoint loads as a router),
 * Adam's moments (`adam.exp_avg.*`, `adam.exp_avg_sq.*`), the best weights (`best.*`) and the loop state as JSON
 * metadata.
 */
export async function writeCheckpoint(directory: string, state: CheckpointState): Promise<string> {
  const current = parametersToTensors(state.parameters);
  const best = parametersToTensors(state.best);
  const tensors: Record<string, SafetensorsTensorInput> = { ...current };
  for (const [name, tensor] of Object.entries(best)) tensors[`best.${name}`] = tensor;
  const moments: [string, Float32Array, Float32Array][] = [
    [MF_TENSOR_NAMES.P, state.adam.mP, state.adam.vP],
    [MF_TENSOR_NAMES.W, state.adam.mW, state.adam.vW],
    [MF_TENSOR_NAMES.c, state.adam.mc, state.adam.vc],
  ];
  for (const [name, m, v] of moments) {
    const shape = current[name]!.shape;
    tensors[`adam.exp_avg.${name}`] = { shape, data: m };
    tensors[`adam.exp_avg_sq.${name}`] = { shape, data: v };
  }
  const loop = {
    epoch: state.epoch,
    adamStep: state.adam.step,
    bestLoss: encodeNumber(state.bestLoss),
    epochsWithoutImprovement: state.epochsWithoutImprovement,
    plateauBest: encodeNumber(state.plateauBest),
    plateauEpochs: state.plateauEpochs,
    learningRate: state.learningRate,
    stopped: state.stopped,
    history: state.history,
    fingerprint: state.fingerprint,
    models: state.parameters.models,
  };
  const path = checkpointPath(directory, state.epoch);
  await writeSafetensors(path, tensors, { format: FORMAT, state: JSON.stringify(loop) });
  return path;
}

/** The latest checkpoint in `directory`, or undefined when there is none. */
export async function readLatestCheckpoint(directory: string): Promise<CheckpointState | undefined> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return undefined;
  }
  const epochs = names.map((name) => FILE_PATTERN.exec(name)).filter((match) => match !== null).map((match) => Number(match[1]));
  if (epochs.length === 0) return undefined;
  const path = checkpointPath(directory, Math.max(...epochs));
  const fail = (message: string, cause?: unknown): never => {
    throw new MufflerError(message, {
      code: TRAINING_ERROR_CODES.checkpointMismatch,
      file: path,
      ...(cause !== undefined && { cause }),
      hint: "Delete the checkpoint directory to start over, or train with resume: false.",
    });
  };
  let file;
  try {
    file = await readSafetensors(path);
  } catch (error) {
    if (!isMufflerError(error)) throw error;
    return fail(`The checkpoint cannot be read: ${error.message}`, error);
  }
  if (file.metadata?.format !== FORMAT || file.metadata.state === undefined) return fail("The file is not a Muffler training checkpoint.");
  const loop = JSON.parse(file.metadata.state) as {
    epoch: number;
    adamStep: number;
    bestLoss: number | string;
    epochsWithoutImprovement: number;
    plateauBest: number | string;
    plateauEpochs: number;
    learningRate: number;
    stopped: boolean;
    history: TrainingHistory;
    fingerprint: string;
    models: string[];
  };
  const tensors = file.tensors;
  const prefixed = (prefix: string) =>
    Object.fromEntries(Object.values(MF_TENSOR_NAMES).map((name) => [name, tensors[`${prefix}${name}`]!]).filter(([, tensor]) => tensor !== undefined));
  const parameters = parametersFromTensors(tensors, { models: loop.models, file: path });
  const best = parametersFromTensors(prefixed("best."), { models: loop.models, file: path });
  const moment = (kind: string, name: string): Float32Array => {
    const tensor = tensors[`adam.${kind}.${name}`];
    if (!(tensor?.data instanceof Float32Array)) return fail(`The checkpoint lacks the Adam moment adam.${kind}.${name}.`);
    return tensor.data;
  };
  return {
    epoch: loop.epoch,
    parameters,
    best,
    adam: {
      step: loop.adamStep,
      mP: moment("exp_avg", MF_TENSOR_NAMES.P),
      vP: moment("exp_avg_sq", MF_TENSOR_NAMES.P),
      mW: moment("exp_avg", MF_TENSOR_NAMES.W),
      vW: moment("exp_avg_sq", MF_TENSOR_NAMES.W),
      mc: moment("exp_avg", MF_TENSOR_NAMES.c),
      vc: moment("exp_avg_sq", MF_TENSOR_NAMES.c),
    },
    bestLoss: decodeNumber(loop.bestLoss),
    epochsWithoutImprovement: loop.epochsWithoutImprovement,
    plateauBest: decodeNumber(loop.plateauBest),
    plateauEpochs: loop.plateauEpochs,
    learningRate: loop.learningRate,
    stopped: loop.stopped,
    history: loop.history,
    fingerprint: loop.fingerprint,
  };
}

function encodeNumber(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

function decodeNumber(value: number | string): number {
  return typeof value === "number" ? value : Number(value);
}
