import * as tf from '@tensorflow/tfjs-core';
import type { Reduction } from '@tessera/core';

/** The reductions every loss accepts. */
export const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

/** Validates `opts.reduction` (default `mean`); the error names the plugin and the allowed values. */
export function reductionOf(opts: { reduction?: Reduction } | undefined, plugin: string): Reduction {
  const r = opts?.reduction ?? 'mean';
  if (!REDUCTIONS.includes(r)) {
    throw new TypeError(`${plugin}: reduction must be one of "mean", "sum", "none"; got ${JSON.stringify(r)}.`);
  }
  return r;
}

/**
 * `d` where `d > 0`, else 1: the denominator of a mean that may be empty (no
 * sample, or every sample ignored). The numerator is then 0, so the mean is 0
 * with a zero (never NaN) gradient.
 */
export function safeDenominator(d: tf.Tensor): tf.Tensor {
  return tf.where(tf.greater(d, 0), d, tf.onesLike(d));
}

export interface ReduceOptions {
  /** `[N]` per-sample weights (multiplied into each value, and into the normaliser of `mean`). */
  weights?: tf.Tensor;
  /**
   * `[N]` the weight each sample counts with in the normaliser of `mean`
   * (for cross-entropy: `w[y_i]` for kept samples, 0 for ignored ones).
   * Defaults to 1 per sample.
   */
  counts?: tf.Tensor;
}

/**
 * Reduces per-sample values `[N]`:
 * - `none`: `w_i·ℓ_i` (`[N]`),
 * - `sum`:  `Σ_i w_i·ℓ_i`,
 * - `mean`: `Σ_i w_i·ℓ_i / Σ_i w_i·c_i` with `c_i` the count of sample `i`
 *   (1, or 0 when ignored, or the class weight of its target).
 *
 * An empty batch or an all-ignored batch gives 0 for `mean` and `sum` (PyTorch
 * gives NaN for `mean`), `[0]` or zeros for `none`.
 */
export function reduceLoss(perSample: tf.Tensor, reduction: Reduction, opts: ReduceOptions = {}): tf.Tensor {
  const per = opts.weights ? tf.mul(perSample, opts.weights) : perSample;
  if (reduction === 'none') return per;
  const total = tf.sum(per);
  if (reduction === 'sum') return total;
  let counts = opts.counts;
  if (opts.weights) counts = counts ? tf.mul(counts, opts.weights) : opts.weights;
  const denom = counts ? tf.sum(counts) : tf.scalar(perSample.shape[0] ?? 0);
  return tf.div(total, safeDenominator(denom));
}

/**
 * For losses defined per element (regression, binary cross-entropy): the
 * per-sample mean over every axis but the first, so that `mean` and `sum`
 * equal PyTorch's elementwise `mean`/`sum` and `none` gives `[N]`.
 */
export function reduceElementwise(elementwise: tf.Tensor, reduction: Reduction, weights?: tf.Tensor): tf.Tensor {
  const n = elementwise.shape[0] ?? 0;
  const perSampleSize = elementwise.shape.slice(1).reduce((a, b) => a * b, 1);
  const per = elementwise.rank <= 1 ? elementwise : tf.mean(tf.reshape(elementwise, [n, perSampleSize]), 1);
  if (reduction === 'sum') {
    return tf.mul(reduceLoss(per, 'sum', weights ? { weights } : {}), perSampleSize);
  }
  return reduceLoss(per, reduction, weights ? { weights } : {});
}
