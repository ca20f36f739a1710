import type { NamedTensorMap, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { LossInputs } from './loss.js';

/** What a model takes: one tensor or named tensors. */
export type ModelInput = Tensor | NamedTensorMap;

/**
 * A model the trainer can fit: its variables and a forward function. A
 * `tf.LayersModel` is adapted to this by {@link asTrainableModel}.
 */
export interface TrainableModel {
  /** Variables the optimizer updates (unique names). */
  readonly trainableVariables: readonly Variable[];
  /** Other variables saved in checkpoints (running statistics, masks). */
  readonly stateVariables?: readonly Variable[];
  /**
   * The forward pass. A tensor is handed to the loss as its output field
   * (`logits` by default); a record is merged into the loss inputs (an
   * embedding model returns `{ embeddings, positives }`).
   */
  forward(x: ModelInput, opts: { training: boolean }): Tensor | LossInputs;
}

/** A training or validation batch. */
export interface Batch {
  /** The model input. */
  readonly x: ModelInput;
  /** The target: class ids `[N]`, probabilities `[N, C]` or regression targets. */
  readonly y?: Tensor;
  /** Extra loss inputs (weights, sampleIds, positives, negatives, …). */
  readonly fields?: LossInputs;
  /** Number of samples. */
  readonly size: number;
}

/** Minimal duck type of a `tf.LayersModel` (tfjs-layers stays an optional peer of core). */
export interface LayersModelLike {
  readonly trainableWeights: ReadonlyArray<{ read(): Tensor; name: string }>;
  readonly nonTrainableWeights: ReadonlyArray<{ read(): Tensor; name: string }>;
  apply(x: Tensor | Tensor[], kwargs?: { training?: boolean }): Tensor | Tensor[] | unknown;
}

export function isLayersModelLike(m: unknown): m is LayersModelLike {
  return typeof m === 'object' && m !== null && Array.isArray((m as LayersModelLike).trainableWeights) && typeof (m as LayersModelLike).apply === 'function';
}

export function isTrainableModel(m: unknown): m is TrainableModel {
  return typeof m === 'object' && m !== null && Array.isArray((m as TrainableModel).trainableVariables) && typeof (m as TrainableModel).forward === 'function';
}

/** Adapts a `tf.LayersModel` (or any {@link TrainableModel}) to a {@link TrainableModel}. */
export function asTrainableModel(model: TrainableModel | LayersModelLike): TrainableModel {
  if (isTrainableModel(model)) return model;
  if (isLayersModelLike(model)) {
    return {
      get trainableVariables() {
        // LayerVariable.read() returns its tf.Variable (typed as Tensor).
        return model.trainableWeights.map((w) => w.read() as Variable);
      },
      get stateVariables() {
        return model.nonTrainableWeights.map((w) => w.read() as Variable);
      },
      forward(x, { training }) {
        const input = x as Tensor;
        return model.apply(input, { training }) as Tensor;
      },
    };
  }
  throw new TypeError('Trainer: model must be a tf.LayersModel or { trainableVariables, forward(x, { training }) }.');
}
