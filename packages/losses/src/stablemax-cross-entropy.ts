import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { classIdInputs, zIgnoreIndex } from './inputs.js';
import { reduceLoss } from './reduce.js';
import { detachedMask } from './stop-gradient.js';

/** `s(x) = x + 1` for `x ≥ 0`, `1/(1 − x)` for `x < 0`, with both branches finite. */
export function stablemaxS(x: tf.Tensor): tf.Tensor {
  const nonNeg = detachedMask(x, (v) => tf.greaterEqual(v, 0));
  return tf.where(nonNeg, tf.add(tf.relu(x), 1), tf.div(1, tf.sub(1, tf.minimum(x, 0))));
}

/**
 * StableMax cross-entropy (Prieto et al. 2025, "Grokking at the edge of numerical stability").
 *
 * Notation: `s(x) = x + 1` (x ≥ 0), `1/(1 − x)` (x < 0); `StableMax(z)_c = s(z_c)/Σ_k s(z_k)`.
 * `ℓ_i = log Σ_k s(z_k) − log s(z_y)`. Not shift-invariant (no max subtraction).
 * The reference code computes in float64; float32 here (values agree to 1e-6
 * relative for |z| ≤ 1e4). Both `where` branches are clamped so neither divides by 0.
 *
 * @see https://arxiv.org/abs/2501.04697
 */
export const stablemaxCrossEntropy = defineLoss({
  name: 'stablemax-cross-entropy',
  aliases: ['stablemax-ce'],
  summary: 'Cross-entropy over StableMax s(x) = x+1 | 1/(1−x) instead of softmax (prevents softmax collapse).',
  paper: { title: 'Grokking at the Edge of Numerical Stability', arxiv: '2501.04697', year: 2025 },
  io: { required: ['logits', 'labels'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: z.strictObject({ ignoreIndex: zIgnoreIndex() }),
  compute(p, inputs, reduction, label) {
    const { logits, onehot, valid, weights } = classIdInputs(inputs, label, p.ignoreIndex);
    const logS = tf.log(stablemaxS(logits));
    const logSum = tf.log(tf.sum(tf.exp(logS), 1));
    const per = tf.mul(tf.sub(logSum, tf.sum(tf.mul(onehot, logS), 1)), valid);
    return reduceLoss(per, reduction, { counts: valid, ...(weights ? { weights } : {}) });
  },
});
