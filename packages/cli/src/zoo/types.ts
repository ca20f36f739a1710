import type * as tf from '@tensorflow/tfjs-core';
import type { Batch, LayersModelLike, LossInputs, PluginRegistry, TensorData, TrainableModel } from '@tessera/core';
import type { ResolvedRef } from '../config/schema.js';

/** What a dataset tells the model builder. */
export interface DataInfo {
  /** Features per sample for flat inputs (`[N, F]`). */
  readonly features?: number;
  readonly numClasses?: number;
  /** Character models: alphabet size and context length. */
  readonly vocabSize?: number;
  readonly contextLength?: number;
  /** Human-readable description for run summaries. */
  readonly description: string;
}

/** A loaded dataset: training and validation tensors (owned by it; `dispose` frees them). */
export interface LoadedData {
  readonly train: TensorData;
  readonly validation?: TensorData;
  readonly info: DataInfo;
  /**
   * How the model output and the batch map to the loss inputs, when the
   * default (output → the loss's `io.output`, y → `io.target`) does not fit
   * (a language model flattens `[B, T]` targets to `[B·T]`).
   */
  readonly lossInputs?: (output: tf.Tensor | LossInputs, batch: Batch, io: { output: string; target: string }) => LossInputs;
  dispose(): void;
}

/** A `dataset` plugin instance. */
export interface DatasetSource {
  load(ctx: { seed: number }): LoadedData;
}

/** What a model builder receives. */
export interface ModelContext {
  readonly registry: PluginRegistry;
  readonly info: DataInfo;
  readonly seed: number;
  readonly norm?: ResolvedRef;
  readonly attention?: ResolvedRef;
}

/** A built model, plus what it holds that is not a tensor the trainer knows about. */
export type BuiltModel = TrainableModel | LayersModelLike;

/** A `model` plugin instance: builds a fresh model (the same initial weights for the same seed). */
export interface ModelFactory {
  /** Which config slots the model reads (`norm`, `attention`); others are rejected with a clear message. */
  readonly uses: readonly ('norm' | 'attention')[];
  build(ctx: ModelContext): BuiltModel;
}
