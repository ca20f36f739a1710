import * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation, StateTree, TensorRecord } from '../transform.js';

/**
 * Gradient accumulation (optax `MultiSteps`): averages the gradients of
 * `everyK` consecutive calls and runs the inner transformation once on the
 * mean; the other calls return zero updates. With a mean-reduced loss, k
 * micro-batches of size B give the same step as one batch of size k·B.
 *
 * Notation: ḡ running mean over the current window, j position in the window.
 *
 *   ḡ ← (g + j·ḡ) / (j + 1);  at j = k−1: u = inner(ḡ), reset
 *
 * State: `{ miniStep, acc: { [name]: ḡ }, inner }`.
 */
export function multiSteps(inner: GradientTransformation<any>, everyK: number): GradientTransformation {
  if (!(Number.isInteger(everyK) && everyK >= 1)) throw new RangeError(`multiSteps: everyK must be an integer ≥ 1; got ${everyK}.`);
  return {
    init: (params) => ({ miniStep: 0, acc: {}, inner: inner.init(params) }),
    update(updates, state, params) {
      const j = (state.miniStep as number | undefined) ?? 0;
      const accOld = (state.acc as StateTree | undefined) ?? {};
      const acc: StateTree = { ...accOld };
      for (const [n, g] of Object.entries(updates)) {
        const prev = accOld[n] as tf.Tensor | undefined;
        acc[n] = prev && j > 0 ? tf.div(tf.add(g, tf.mul(prev, j)), j + 1) : tf.clone(g);
      }
      const innerState = (state.inner as StateTree | undefined) ?? inner.init({});
      if (j + 1 < everyK) {
        const zeros: TensorRecord = {};
        for (const [n, g] of Object.entries(updates)) zeros[n] = tf.zerosLike(g);
        return [zeros, { miniStep: j + 1, acc, inner: innerState }];
      }
      const mean: TensorRecord = {};
      for (const n of Object.keys(updates)) mean[n] = acc[n] as tf.Tensor;
      const [u, s] = inner.update(mean, innerState, params);
      return [u, { miniStep: 0, acc: {}, inner: s }];
    },
  };
}
