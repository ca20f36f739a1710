import * as tf from '@tensorflow/tfjs-core';
import { checkSameShape, requireInput, z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { sampleWeights } from './inputs.js';
import { reduceElementwise } from './reduce.js';
import { safePow } from './softmax-utils.js';

/**
 * Sigmoid (one-vs-all) focal loss of RetinaNet, `torchvision.ops.sigmoid_focal_loss`.
 *
 * Notation: logits `z` and binary (or soft) targets `t` of the same shape
 * (`[N]` or `[N, C]`), `p = σ(z)`, `1 − p_t = t·σ(−z) + (1 − t)·σ(z)`,
 * `α_t = α t + (1 − α)(1 − t)`.
 * `ℓ = α_t·(1 − p_t)^γ·BCE(z, t)`, BCE from logits (softplus form, finite at ±1e4);
 * `alpha` null (or negative in torchvision) disables the balancing (optax's default).
 * Reductions as the elementwise losses: `mean`/`sum` over every element (torchvision), `none` per-sample means `[N]`.
 *
 * @see https://arxiv.org/abs/1708.02002
 * @see https://pytorch.org/vision/0.14/generated/torchvision.ops.sigmoid_focal_loss.html
 */
export const sigmoidFocal = defineLoss({
  name: 'sigmoid-focal',
  aliases: ['binary-focal'],
  summary: 'Sigmoid (one-vs-all) focal loss α_t(1−p_t)^γ·BCE for detection and multi-label (torchvision sigmoid_focal_loss).',
  paper: { title: 'Focal Loss for Dense Object Detection', arxiv: '1708.02002', year: 2017 },
  io: { required: ['logits', 'labels'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: z.strictObject({
    gamma: z.number().min(0).max(100).default(2).describe('Focusing parameter γ (torchvision default 2).'),
    alpha: z.number().min(0).max(1).nullable().default(0.25).describe('Weight α of the positives (1 − α for negatives; torchvision default 0.25); null = no balancing.'),
  }),
  compute(p, inputs, reduction, label) {
    const logits = requireInput(inputs, 'logits', label, { rank: [1, 2, 3, 4, 5], dtype: 'float32', describe: '[N] or [N, C] float32' });
    const raw = requireInput(inputs, 'labels', label, { dtype: ['float32', 'int32', 'bool'], describe: 'targets in [0, 1], same shape as logits' });
    checkSameShape(raw, logits, 'labels', 'logits', label);
    const t = raw.dtype === 'float32' ? raw : tf.cast(raw, 'float32');
    const weights = sampleWeights(inputs, label, logits.shape[0]!);
    const bce = tf.add(tf.mul(t, tf.softplus(tf.neg(logits))), tf.mul(tf.sub(1, t), tf.softplus(logits)));
    const oneMinusPt = tf.add(tf.mul(t, tf.sigmoid(tf.neg(logits))), tf.mul(tf.sub(1, t), tf.sigmoid(logits)));
    let l = tf.mul(bce, safePow(oneMinusPt, p.gamma));
    if (p.alpha !== null) l = tf.mul(l, tf.add(tf.mul(t, p.alpha), tf.mul(tf.sub(1, t), 1 - p.alpha)));
    return reduceElementwise(l, reduction, weights);
  },
});
