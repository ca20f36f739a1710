import type { Tensor } from '@tensorflow/tfjs-core';
import type { PluginManifest } from '../plugin/plugin.js';

/** How per-sample losses are reduced: `mean` over non-ignored samples (default), `sum`, or `none` (`[N]`). */
export type Reduction = 'mean' | 'sum' | 'none';

/**
 * The inputs of a loss. Each loss declares which fields it needs and fails
 * clearly when one is missing or mis-shaped.
 *
 * Notation: N samples, C classes, D embedding dimension, K negatives per sample.
 */
export interface LossInputs {
  /** `[N, C]` unnormalised scores. */
  logits?: Tensor;
  /** `[N]` int32 class ids, or `[N, C]` probabilities. */
  labels?: Tensor;
  /** Regression outputs, same shape as `targets`. */
  predictions?: Tensor;
  targets?: Tensor;
  /** `[N]` per-sample weights. */
  weights?: Tensor;
  /** `[N, D]`. */
  embeddings?: Tensor;
  /** `[N, D]`. */
  positives?: Tensor;
  /** `[N, K, D]`. */
  negatives?: Tensor;
  /** `[N, C]`. */
  teacherLogits?: Tensor;
  /** `[N]` int32 ids of the samples, for losses that keep per-sample state. */
  sampleIds?: Tensor;
  [field: string]: Tensor | undefined;
}

export interface LossComputeOptions {
  reduction?: Reduction;
}

/** A loss instance, as `registry.create('loss', name, params)` returns it. */
export interface Loss {
  readonly manifest: PluginManifest<any>;
  /** The loss; a scalar for `mean`/`sum`, `[N]` for `none`. */
  compute(inputs: LossInputs, opts?: LossComputeOptions): Tensor;
}

/** A regularizer has the loss shape; the trainer adds `weight × compute(...)` to the loss. */
export type Regularizer = Loss;
