import type { NamedTensorMap, Optimizer, Tensor } from '@tensorflow/tfjs-core';
import type { PluginManifest } from '../plugin/plugin.js';
import type { Batch, TrainableModel } from './model.js';
import type { Stateful } from './stateful.js';

/** What a callback sees of the running fit. */
export interface TrainerContext {
  /** Optimizer updates applied so far. */
  readonly step: number;
  /** 0-based epoch. */
  readonly epoch: number;
  /** Micro-batches seen in this epoch (counts accumulation steps). */
  readonly batchInEpoch: number;
  readonly model: TrainableModel;
  readonly optimizer: Optimizer;
  /** The latest metrics (`loss`, `lr`, `val_loss`, …). */
  readonly logs: Readonly<Record<string, number>>;
  /** Asks the trainer to stop after the current step. */
  stop(reason?: string): void;
  /** Records a metric in the metric sink at the current step. */
  log(name: string, value: number): void;
  /** Sets a hyperparameter override the trainer applies (e.g. `lr` for reduce-on-plateau, a multiplier). */
  readonly overrides: Map<string, number>;
}

/** The forward pass of one micro-batch, inside the gradient tape (do not dispose). */
export interface ForwardResult {
  readonly outputs: unknown;
  readonly loss: Tensor;
  /** `[N]` per-sample losses when a reweighter asked for them. */
  readonly perSample?: Tensor;
}

/**
 * Trainer hooks. Every method is optional; callbacks run in the order given.
 * Hooks that receive tensors run inside the step's `tf.tidy`: return new
 * tensors, never dispose the ones handed in.
 */
export interface Callback extends Partial<Stateful> {
  readonly manifest?: PluginManifest<any>;
  onTrainBegin?(ctx: TrainerContext): void | Promise<void>;
  onTrainEnd?(ctx: TrainerContext): void | Promise<void>;
  onEpochBegin?(ctx: TrainerContext): void | Promise<void>;
  onEpochEnd?(ctx: TrainerContext, logs: Record<string, number>): void | Promise<void>;
  /** Before the forward pass; may return a replacement batch (miners, sampling). */
  beforeForward?(ctx: TrainerContext, batch: Batch): Batch | void;
  /** After the forward pass, inside the gradient tape. */
  afterForward?(ctx: TrainerContext, result: ForwardResult): void;
  /**
   * Per-sample reweighting: receives `[N]` per-sample losses, returns `[N]`
   * weights (a 0/1 mask selects). The loss becomes Σ wᵢℓᵢ / Σ wᵢ; a batch whose
   * weights sum to 0 is skipped.
   */
  reweight?(ctx: TrainerContext, perSample: Tensor, batch: Batch): Tensor;
  /** After the backward pass, before the optimizer: may return transformed gradients (clipping, masks, surgery). */
  afterBackward?(ctx: TrainerContext, grads: NamedTensorMap): NamedTensorMap | void;
  /** After the optimizer step (averagers, pruning masks, router bias). */
  afterStep?(ctx: TrainerContext, logs: Record<string, number>): void | Promise<void>;
  /** Around evaluation (Schedule-Free and EMA weight swaps). */
  onEvaluateBegin?(ctx: TrainerContext): void | Promise<void>;
  onEvaluateEnd?(ctx: TrainerContext, metrics: Record<string, number>): void | Promise<void>;
  /** Around checkpoint writes and after a restore. */
  onCheckpointSave?(ctx: TrainerContext, path: string): void | Promise<void>;
  onCheckpointRestore?(ctx: TrainerContext, path: string): void | Promise<void>;
}
