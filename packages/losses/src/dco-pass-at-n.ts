import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, requireInput, z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { sampleWeights } from './inputs.js';
import { reduceLoss } from './reduce.js';
import { detached } from './stop-gradient.js';

/**
 * Direct coverage optimisation for pass@N (Chen et al. 2025, DCO).
 *
 * Notation: token logits `z [N, T, V]`, target tokens `y [N, T]` (`ignoreIndex`
 * marks padding), sequence log-probability `log p = Σ_t log softmax(z_t)_{y_t}`,
 * budget `n`, `a = log(1 − p)` (computed by `log(−expm1(log p))` for
 * `log p > −ln 2`, else `log1p(−exp(log p))`).
 * `ℓ_i = −log(1 − (1 − p)^n) = −log(−expm1(n·a))`, and its gradient
 * `F·∇(−log p)` with `F = n·p·(1−p)^{n−1}/(1 − (1−p)^n) ∈ (0, 1]` (1 as p → 0:
 * CE-like; → 0 as p → 1: confident answers stop being sharpened). n = 1 is the
 * sequence cross-entropy. Implemented as `stopGradient(ℓ) + stopGradient(F)·(nll − stopGradient(nll))`.
 *
 * @see https://arxiv.org/abs/2502.07154
 */
export const dcoPassAtN = defineLoss({
  name: 'dco-pass-at-n',
  aliases: ['dco'],
  summary: 'DCO pass@N loss −log(1 − (1 − p)^N) on whole-sequence probabilities, with the stable F·CE gradient.',
  paper: { title: 'Rethinking Fine-Tuning when Scaling Test-Time Compute: Limiting Confidence Improves Mathematical Reasoning', arxiv: '2502.07154', year: 2025 },
  io: { required: ['logits', 'labels'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: z.strictObject({
    n: z.number().int().min(1).max(1e6).default(4).describe('Test-time budget N of pass@N (1 gives the sequence cross-entropy).'),
    ignoreIndex: z.number().int().default(-100).describe('Target tokens equal to this are padding (excluded from the sequence log-probability).'),
  }),
  compute(p, inputs, reduction, label) {
    const logits = requireInput(inputs, 'logits', label, { rank: 3, dtype: 'float32', describe: '[N, T, V] float32 token logits' });
    const labels = requireInput(inputs, 'labels', label, { rank: 2, dtype: 'int32', describe: '[N, T] int32 target tokens' });
    const [b, t, v] = logits.shape as [number, number, number];
    if (labels.shape[0] !== b || labels.shape[1] !== t) throw new ShapeError(`${label}: labels must have shape [${b}, ${t}]; got [${labels.shape.join(', ')}].`);
    const weights = sampleWeights(inputs, label, b);
    if (b === 0) return reduceLoss(tf.zeros([0]), reduction);
    const valid = tf.cast(tf.notEqual(labels, p.ignoreIndex), 'float32');
    const onehot = tf.mul(tf.cast(tf.oneHot(tf.reshape(labels, [-1]), Math.max(v, 2)), 'float32'), tf.reshape(valid, [-1, 1]));
    const oh = v >= 2 ? tf.reshape(onehot, [b, t, v]) : tf.reshape(tf.slice(onehot, [0, 0], [-1, 1]), [b, t, v]);
    const nll = tf.neg(tf.sum(tf.mul(oh, tf.logSoftmax(logits)), [1, 2]));
    const n = p.n;
    // value and F are constants of the gradient (computed off the tape)
    const vf = detached(nll, (x) => {
      const lp = tf.neg(x);
      const a = tf.maximum(tf.where(tf.greater(lp, -Math.LN2), tf.log(tf.neg(tf.expm1(tf.minimum(lp, -1e-30)))), tf.log1p(tf.neg(tf.exp(tf.minimum(lp, -Math.LN2))))), -88);
      const denom = tf.neg(tf.expm1(tf.mul(a, n)));
      // p < e^-20: 1 − (1−p)^n = n·p(1 + O(np)), so ℓ = −log n − log p and F = 1 (no 0/0 when p underflows)
      const tiny = tf.less(lp, -20);
      const value = tf.where(tiny, tf.sub(x, Math.log(n)), tf.neg(tf.log(tf.maximum(denom, 1e-38))));
      const fFull = n === 1 ? tf.onesLike(lp) : tf.div(tf.mul(tf.exp(tf.add(lp, tf.mul(a, n - 1))), n), tf.maximum(denom, 1e-38));
      const f = tf.where(tiny, tf.onesLike(lp), fFull);
      return tf.stack([value, f]);
    });
    const value = tf.squeeze(tf.slice(vf, [0, 0], [1, b]), [0]);
    const f = tf.squeeze(tf.slice(vf, [1, 0], [1, b]), [0]);
    const per = tf.add(value, tf.mul(f, tf.sub(nll, detached(nll, (x) => tf.clone(x)))));
    return reduceLoss(per, reduction, weights ? { weights } : {});
  },
});
