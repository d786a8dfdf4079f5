import { hashJson, MufflerError, sha256, type OnProgress } from "@muffler/core";
import { assertParameterShapes, cloneParameters, initializeParameters, type MFParameters } from "@muffler/model";
import { TRAINING_ERROR_CODES } from "./errors.ts";
import { checkpointPath, readLatestCheckpoint, writeCheckpoint, type CheckpointState } from "./internal/checkpoint.ts";
import { emptyAdamState, type Batch, type EngineHyperparameters, type TrainingEngine } from "./internal/engine.ts";
import { epochRandom } from "./internal/epoch-random.ts";
import { evaluateBattles, weightNorm } from "./internal/evaluate.ts";
import { FusedEngine } from "./internal/fused-engine.ts";
import { TfjsEngine } from "./internal/tfjs-engine.ts";
import type { EpochRecord, TrainingHistory } from "./training-history.ts";
import { trainingOptionsSchema, type BattleIndex, type ResolvedTrainingOptions, type TrainingOptions } from "./training-options.ts";

/** Adam's other hyperparameters: PyTorch's defaults. */
const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;

export interface TrainInput {
  /** Initial parameters. @default initializeParameters({ models, hidden: options.hidden, dimension, seed: options.seed }) */
  parameters?: MFParameters;
  /** Model names (id order) when no parameters are given. @default model-0 ... model-(max id) */
  models?: string[];
  /** D when no parameters are given (the embedder's dimension). */
  dimension?: number;
  /** Training battles, winner first. */
  battles: BattleIndex;
  /** Prompt embeddings, rows x D row-major; `battles.promptIndices` index its rows. */
  embeddings: Float32Array;
  /** Validation battles with their OWN prompts' embeddings (the seed indexed the training table by mistake). */
  validation?: { battles: BattleIndex; embeddings: Float32Array };
  options?: TrainingOptions;
  /** Progress: stage "train", unit "steps", detail { epoch, loss, "examples/s" }. */
  onProgress?: OnProgress;
  /** Stops between steps with `training/aborted`; the last epoch's checkpoint stays for resuming. */
  signal?: AbortSignal;
}

export interface TrainResult {
  /** The parameters of the best epoch (lowest validation loss, or train loss without validation). */
  parameters: MFParameters;
  /** The parameters after the last epoch trained. */
  lastParameters: MFParameters;
  history: TrainingHistory;
  /** The options used, defaults filled in. */
  options: ResolvedTrainingOptions;
  /** Set when the run continued from a checkpoint: the epoch it had completed. */
  resumedFromEpoch?: number;
  /** True when early stopping ended the run. */
  stoppedEarly: boolean;
}

/**
 * Trains the MF router with the seed's recipe, its defects fixed: battles stored winner first and BCE-with-logits
 * against ones; PyTorch's Adam (lr 3e-4, L2 weight decay 1e-5), batch 64, 10 epochs; optional Gaussian noise on
 * prompt embeddings in training only; seeded shuffles; validation on the validation prompts' own embeddings; the best
 * epoch by validation loss; optional early stopping and ReduceLROnPlateau; any number of models.
 * With `checkpointDirectory`, a checkpoint is written atomically after every epoch, and a later call resumes from it
 * and ends with the same weights as an uninterrupted run.
 */
export async function train(input: TrainInput): Promise<TrainResult> {
  const parsed = trainingOptionsSchema.safeParse(input.options ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MufflerError(`Invalid training option: ${issue.message}.`, { code: TRAINING_ERROR_CODES.invalidOptions, field: `options.${issue.path.join(".")}` });
  }
  const options = parsed.data;
  const initial = input.parameters ?? initialParameters(input, options);
  assertParameterShapes(initial);
  const D = initial.dimension;
  const N = initial.models.length;
  checkBattles(input.battles, input.embeddings, N, D, "battles");
  if (input.validation) checkBattles(input.validation.battles, input.validation.embeddings, N, D, "validation.battles");
  const count = input.battles.winnerIds.length;
  if (count === 0) throw new MufflerError("There are no training battles.", { code: TRAINING_ERROR_CODES.invalidData, field: "battles" });

  const plateau = resolvePlateau(options.reduceLrOnPlateau);
  const hyperparameters: EngineHyperparameters = { weightDecay: options.weightDecay, weightDecayMode: options.weightDecayMode, weightDecayOnModels: options.weightDecayOnModels, ...ADAM };
  const fingerprint = options.checkpointDirectory === undefined ? "" : runFingerprint(input, initial, options);

  let state: CheckpointState = {
    epoch: 0,
    parameters: cloneParameters(initial),
    adam: emptyAdamState(initial),
    best: cloneParameters(initial),
    bestLoss: Number.POSITIVE_INFINITY,
    epochsWithoutImprovement: 0,
    plateauBest: Number.POSITIVE_INFINITY,
    plateauEpochs: 0,
    learningRate: options.learningRate,
    stopped: false,
    history: { epochs: [], bestEpoch: 0 },
    fingerprint,
  };
  let resumedFromEpoch: number | undefined;
  if (options.checkpointDirectory !== undefined && options.resume) {
    const saved = await readLatestCheckpoint(options.checkpointDirectory);
    if (saved !== undefined) {
      if (saved.fingerprint !== fingerprint) {
        throw new MufflerError("The checkpoint directory holds a run with other data, options or initial weights.", {
          code: TRAINING_ERROR_CODES.checkpointMismatch,
          file: checkpointPath(options.checkpointDirectory, saved.epoch),
          hint: "Delete the checkpoint directory to start over, or point at another one.",
        });
      }
      state = saved;
      resumedFromEpoch = saved.epoch;
    }
  }

  const engine: TrainingEngine =
    options.engine === "tfjs" ? await TfjsEngine.create(state.parameters, state.adam, hyperparameters) : new FusedEngine(state.parameters, state.adam, hyperparameters, { batchSize: options.batchSize });
  const B = options.batchSize;
  const stepsPerEpoch = Math.ceil(count / B);
  const totalSteps = stepsPerEpoch * options.epochs;
  const batch: Batch = { size: 0, winners: new Int32Array(B), losers: new Int32Array(B), rows: new Float32Array(B * D) };
  const { winnerIds, loserIds, promptIndices } = input.battles;
  const embeddings = input.embeddings;
  let lastParameters = state.parameters;
  try {
    for (let epoch = state.epoch + 1; epoch <= options.epochs && !state.stopped; epoch++) {
      const order = epochRandom(options.seed, epoch, 1).permutation(count);
      const noiseRandom = options.noise > 0 ? epochRandom(options.seed, epoch, 2) : undefined;
      const learningRate = state.learningRate;
      const startedAt = performance.now();
      let lossSum = 0;
      let step = 0;
      for (let start = 0; start < count; start += B, step++) {
        if (input.signal?.aborted) {
          throw new MufflerError(`Training was stopped during epoch ${epoch}.`, {
            code: TRAINING_ERROR_CODES.aborted,
            cause: input.signal.reason,
            hint: options.checkpointDirectory === undefined ? undefined : "Run it again to resume from the last epoch's checkpoint.",
          });
        }
        const size = Math.min(B, count - start);
        batch.size = size;
        for (let i = 0; i < size; i++) {
          const index = order[start + i]!;
          batch.winners[i] = winnerIds[index]!;
          batch.losers[i] = loserIds[index]!;
          const row = promptIndices[index]! * D;
          batch.rows.set(embeddings.subarray(row, row + D), i * D);
        }
        if (noiseRandom !== undefined) {
          const rows = batch.rows;
          for (let k = 0; k < size * D; k++) rows[k] = rows[k]! + options.noise * noiseRandom.normal();
        }
        lossSum += engine.step(batch, learningRate) * size;
        if (input.onProgress !== undefined && ((step & 15) === 15 || start + B >= count)) {
          const seconds = (performance.now() - startedAt) / 1000;
          const examples = Math.min(start + B, count);
          input.onProgress({
            stage: "train",
            done: (epoch - 1) * stepsPerEpoch + step + 1,
            total: totalSteps,
            unit: "steps",
            detail: { epoch, loss: lossSum / examples, "examples/s": Math.round(examples / Math.max(seconds, 1e-9)) },
          });
        }
        // Yield to the event loop now and then so that signals and timers are handled.
        if ((step & 255) === 255) await new Promise((resolve) => setImmediate(resolve));
      }
      const seconds = (performance.now() - startedAt) / 1000;
      const snapshot = engine.snapshot();
      lastParameters = snapshot.parameters;
      const record: EpochRecord = {
        epoch,
        trainLoss: lossSum / count,
        weightNorm: weightNorm(snapshot.parameters),
        learningRate,
        seconds,
      };
      if (input.validation) {
        const { loss, accuracy } = evaluateBattles(snapshot.parameters, input.validation.battles, input.validation.embeddings);
        record.validationLoss = loss;
        record.validationAccuracy = accuracy;
      }
      const criterion = record.validationLoss ?? record.trainLoss;
      const next: CheckpointState = { ...state, epoch, parameters: snapshot.parameters, adam: snapshot.adam, history: { ...state.history, epochs: [...state.history.epochs, record] } };
      if (criterion < state.bestLoss) {
        next.best = snapshot.parameters;
        next.bestLoss = criterion;
        next.history.bestEpoch = epoch;
        next.epochsWithoutImprovement = 0;
      } else {
        next.epochsWithoutImprovement = state.epochsWithoutImprovement + 1;
      }
      if (plateau !== undefined) {
        if (criterion < state.plateauBest * (1 - plateau.threshold)) {
          next.plateauBest = criterion;
          next.plateauEpochs = 0;
        } else {
          next.plateauEpochs = state.plateauEpochs + 1;
          if (next.plateauEpochs > plateau.patience) {
            next.learningRate = Math.max(learningRate * plateau.factor, plateau.minLearningRate);
            next.plateauEpochs = 0;
          }
        }
      }
      if (options.earlyStoppingPatience !== undefined && next.epochsWithoutImprovement >= options.earlyStoppingPatience) next.stopped = true;
      state = next;
      if (options.checkpointDirectory !== undefined) await writeCheckpoint(options.checkpointDirectory, state);
      input.onProgress?.({
        stage: "train",
        done: epoch * stepsPerEpoch,
        total: totalSteps,
        unit: "steps",
        detail: {
          epoch,
          loss: record.trainLoss,
          ...(record.validationLoss !== undefined && { validationLoss: record.validationLoss }),
          "examples/s": Math.round(count / Math.max(seconds, 1e-9)),
        },
      });
    }
  } finally {
    engine.dispose();
  }
  return {
    parameters: state.best,
    lastParameters,
    history: state.history,
    options,
    ...(resumedFromEpoch !== undefined && { resumedFromEpoch }),
    stoppedEarly: state.stopped,
  };
}

function initialParameters(input: TrainInput, options: ResolvedTrainingOptions): MFParameters {
  if (input.dimension === undefined) {
    throw new MufflerError("train needs `parameters` or the embeddings' `dimension`.", { code: TRAINING_ERROR_CODES.invalidOptions, field: "dimension" });
  }
  let models = input.models;
  if (models === undefined) {
    let maximum = 0;
    for (const ids of [input.battles.winnerIds, input.battles.loserIds]) for (let i = 0; i < ids.length; i++) maximum = Math.max(maximum, ids[i]!);
    models = Array.from({ length: maximum + 1 }, (_, index) => `model-${index}`);
  }
  return initializeParameters({ models, hidden: options.hidden, dimension: input.dimension, seed: options.seed });
}

function checkBattles(battles: BattleIndex, embeddings: Float32Array, models: number, dimension: number, field: string): void {
  const fail = (message: string, row?: number): never => {
    throw new MufflerError(message, { code: TRAINING_ERROR_CODES.invalidData, field, ...(row !== undefined && { row }) });
  };
  const { winnerIds, loserIds, promptIndices } = battles;
  if (loserIds.length !== winnerIds.length || promptIndices.length !== winnerIds.length) {
    fail(`winnerIds, loserIds and promptIndices must have the same length (${winnerIds.length}, ${loserIds.length}, ${promptIndices.length}).`);
  }
  if (embeddings.length % dimension !== 0) fail(`The embeddings hold ${embeddings.length} values, not a multiple of the dimension ${dimension}.`);
  const rows = embeddings.length / dimension;
  for (let i = 0; i < winnerIds.length; i++) {
    const win = winnerIds[i]!;
    const loss = loserIds[i]!;
    if (win < 0 || win >= models || loss < 0 || loss >= models) fail(`Battle ${i + 1} names model id ${win < 0 || win >= models ? win : loss}, but there are ${models} models.`, i + 1);
    const prompt = promptIndices[i]!;
    if (prompt < 0 || prompt >= rows) fail(`Battle ${i + 1} points at prompt row ${prompt}, but the embeddings have ${rows} rows.`, i + 1);
  }
}

function resolvePlateau(option: ResolvedTrainingOptions["reduceLrOnPlateau"]) {
  if (option === undefined || option === false) return undefined;
  const given = option === true ? {} : option;
  return { factor: given.factor ?? 0.1, patience: given.patience ?? 10, threshold: given.threshold ?? 1e-4, minLearningRate: given.minLearningRate ?? 0 };
}

function bytesOf(array: Int32Array | Float32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** A hash of what determines the result: the data, the initial parameters and the options (except epochs and where checkpoints go). */
function runFingerprint(input: TrainInput, initial: MFParameters, options: ResolvedTrainingOptions): string {
  const { checkpointDirectory: _directory, resume: _resume, epochs: _epochs, ...shaping } = options;
  const arrays = [input.battles.winnerIds, input.battles.loserIds, input.battles.promptIndices, input.embeddings, initial.P, initial.W, initial.c];
  if (input.validation) arrays.push(input.validation.battles.winnerIds, input.validation.battles.loserIds, input.validation.battles.promptIndices, input.validation.embeddings);
  return hashJson({ options: shaping, models: initial.models, hidden: initial.hidden, dimension: initial.dimension, arrays: arrays.map((array) => sha256(bytesOf(array))) });
}
