import type { Tensor } from '@tensorflow/tfjs-core';
import type { Optimizer } from '@tensorflow/tfjs-core';
import type { Callback } from '../contracts/callback.js';
import type { FrozenModel } from '../contracts/frozen-model.js';
import type { Loss, LossInputs } from '../contracts/loss.js';
import type { Batch, LayersModelLike, TrainableModel } from '../contracts/model.js';
import type { Schedule } from '../contracts/schedule.js';
import type { Dataset, TensorData } from './dataset.js';
import type { PluginRef } from './plugin-ref.js';

/** A regularizer term added to the loss: `weight × regularizer.compute(inputs)`. */
export interface RegularizerTerm {
  readonly regularizer: PluginRef<Loss>;
  readonly weight: number;
}

/** Everything `Trainer.fit` takes. Plugins are given by name, `{ name, params }`, or instance. */
export interface FitOptions {
  /** A `tf.LayersModel`, or `{ trainableVariables, forward(x, { training }) }`. */
  readonly model: TrainableModel | LayersModelLike;
  /** Training data: tensors (`{ x, y, fields }`) or a {@link Dataset}. */
  readonly data: TensorData | Dataset;
  /** Validation data, evaluated at the end of every epoch (and every `evaluateEvery` steps). */
  readonly validation?: TensorData | Dataset;
  readonly loss: PluginRef<Loss>;
  /** Maps the model output and batch to loss inputs; default: the loss manifest's `io` (output → `logits`, y → `labels`). */
  readonly lossInputs?: (output: Tensor | LossInputs, batch: Batch) => LossInputs;
  readonly regularizers?: readonly RegularizerTerm[];
  readonly optimizer: PluginRef<Optimizer>;
  /** Drives the optimizer's learning rate: `valueAt(step)` before every step. */
  readonly schedule?: PluginRef<Schedule>;
  readonly epochs?: number;
  /** Samples per micro-batch (default 32); a function of the epoch lets it change between epochs. */
  readonly batchSize?: number | ((epoch: number) => number);
  /** Auxiliary models run without gradients on every batch (added to those bound to `FrozenModelToken`). */
  readonly frozenModels?: readonly FrozenModel[];
  /** Shuffle every epoch with the seeded RNG (default true). */
  readonly shuffle?: boolean;
  /** Stop after this many optimizer steps. */
  readonly maxSteps?: number;
  /** Clip gradients before the optimizer: by global norm (PyTorch `clip_grad_norm_`) and/or by value. */
  readonly gradientClip?: { readonly norm?: number; readonly value?: number };
  /**
   * Micro-batches per optimizer step. Gradients are averaged over them, so
   * with a mean-reduced loss and equal micro-batches the step equals one
   * step on the large batch.
   */
  readonly accumulationSteps?: number;
  readonly callbacks?: readonly PluginRef<Callback>[];
  /** On a NaN/±Inf loss or gradient: `stop` (throw, naming the step and tensor) or `skip` the step. Default `stop`. */
  readonly nanPolicy?: 'stop' | 'skip';
  /** Seeds the RNG that shuffles (default 0). */
  readonly seed?: number;
  /** Checkpoints: written atomically to `dir` every `everySteps` steps and at the end of each epoch. */
  readonly checkpoint?: {
    readonly dir: string;
    readonly everySteps?: number;
    readonly everyEpoch?: boolean;
    /** Continue from the newest complete checkpoint in `dir`, if any. */
    readonly resume?: boolean;
  };
  /** Evaluate every N steps as well as at epoch ends. */
  readonly evaluateEvery?: number;
  /** Label of the progress bar; `false` hides it. */
  readonly progress?: string | false;
  /** Aborting stops after the current step, writes a checkpoint (if configured) and returns. */
  readonly signal?: AbortSignal;
}

export interface StepRecord {
  readonly step: number;
  readonly loss: number;
  readonly lr?: number;
}

export interface FitResult {
  /** Optimizer steps applied in total (including those before a resume). */
  readonly steps: number;
  readonly epochs: number;
  /** Train loss of every step, including steps before a resume. */
  readonly history: readonly StepRecord[];
  /** Validation metrics after each evaluation. */
  readonly validation: readonly { step: number; epoch: number; metrics: Record<string, number> }[];
  /** The last train loss and the last validation metrics (`val_loss`, `val_accuracy`). */
  readonly final: Record<string, number>;
  readonly stopReason: 'completed' | 'max-steps' | 'callback' | 'interrupted';
  /** Steps skipped by the NaN guard (`nanPolicy: 'skip'`) or by a reweighter that selected nothing. */
  readonly skipped: readonly { step: number; reason: string }[];
  /** The step a checkpoint resumed from, if any. */
  readonly resumedFrom?: number;
  readonly lastCheckpoint?: string;
  readonly backend: string;
}

export type { Dataset, TensorData };
