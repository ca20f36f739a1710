import type { Optimizer } from '@tensorflow/tfjs-core';

/**
 * What the trainer needs of an optimizer: a `tf.Optimizer`, optionally with
 * `train()`/`eval()` (Schedule-Free swaps its weights for evaluation) and a
 * learning-rate override (the trainer drives a schedule through it).
 */
export type TrainableOptimizer = Optimizer & {
  train?(): void;
  eval?(): void;
  /** Whether `minimize(f)` may call `f` more than once (SAM). */
  readonly needsClosure?: boolean;
};

export function hasTrainEval(o: unknown): o is { train(): void; eval(): void } {
  return typeof o === 'object' && o !== null && typeof (o as { train?: unknown }).train === 'function' && typeof (o as { eval?: unknown }).eval === 'function';
}
