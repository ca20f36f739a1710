import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, checkSameShape, requireInput, z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { sampleWeights } from './inputs.js';
import { reduceElementwise } from './reduce.js';

/**
 * Binary cross-entropy from logits, `torch.nn.functional.binary_cross_entropy_with_logits`.
 *
 * Notation: logits `z` and targets `t ∈ [0, 1]` of the same shape `[N]` or
 * `[N, C]` (multi-label), positive weight `w⁺` (per class, broadcast on the
 * last axis), label smoothing `ε`: `t' = (1−ε)t + ε/2` (Keras convention).
 *
 * `ℓ = w⁺·t'·softplus(−z) + (1 − t')·softplus(z)`  (= `−[w⁺t' log σ(z) + (1−t') log(1−σ(z))]`).
 *
 * Reductions as for the elementwise losses: `mean`/`sum` over every element
 * (PyTorch), `none` = per-sample mean over classes `[N]`. Labels may be int32 0/1.
 * PyTorch has no label smoothing for BCE; Keras' `label_smoothing` is used.
 *
 * @see https://pytorch.org/docs/1.13/generated/torch.nn.functional.binary_cross_entropy_with_logits.html
 */
export const binaryCrossEntropy = defineLoss({
  name: 'binary-cross-entropy',
  aliases: ['bce', 'sigmoid-cross-entropy'],
  summary: 'Binary (multi-label) cross-entropy from logits with posWeight and label smoothing (torch BCEWithLogits).',
  io: { required: ['logits', 'labels'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: z.strictObject({
    posWeight: z.union([z.number().min(0), z.array(z.number().min(0))]).nullable().default(null)
      .describe('Weight of the positive term, one number or one per class (last axis), PyTorch `pos_weight`; null = 1.'),
    labelSmoothing: z.number().min(0).max(1).default(0).describe('Label smoothing ε: targets become (1−ε)t + ε/2 (Keras).'),
  }),
  compute(p, inputs, reduction, label) {
    const z_ = requireInput(inputs, 'logits', label, { rank: [1, 2, 3, 4, 5], dtype: 'float32', describe: '[N] or [N, C] float32' });
    const raw = requireInput(inputs, 'labels', label, { dtype: ['float32', 'int32', 'bool'], describe: 'targets in [0, 1], same shape as logits' });
    checkSameShape(raw, z_, 'labels', 'logits', label);
    let t = raw.dtype === 'float32' ? raw : tf.cast(raw, 'float32');
    if (p.labelSmoothing > 0) t = tf.add(tf.mul(t, 1 - p.labelSmoothing), p.labelSmoothing / 2);
    const weights = sampleWeights(inputs, label, z_.shape[0]!);
    let pos = tf.mul(t, tf.softplus(tf.neg(z_)));
    if (p.posWeight !== null) {
      const c = z_.shape[z_.rank - 1]!;
      if (Array.isArray(p.posWeight) && p.posWeight.length !== c && p.posWeight.length !== 1) {
        throw new ShapeError(`${label}: posWeight must have one weight per class (last axis = ${c}); got ${p.posWeight.length}.`);
      }
      pos = tf.mul(pos, Array.isArray(p.posWeight) ? tf.tensor1d(p.posWeight, 'float32') : p.posWeight);
    }
    const neg = tf.mul(tf.sub(1, t), tf.softplus(z_));
    return reduceElementwise(tf.add(pos, neg), reduction, weights);
  },
});
