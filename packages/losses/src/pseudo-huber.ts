import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { batchInput, sameShapeInput, sampleWeights } from './inputs.js';
import { reduceLoss } from './reduce.js';

/**
 * Pseudo-Huber metric of improved consistency training (iCT), over the whole per-sample vector.
 *
 * Notation: predictions `x_i`, targets `t_i` (any shape `[N, ...]`), per-sample
 * dimensionality `D`, constant `c`. `ℓ_i = sqrt(‖x_i − t_i‖²₂ + c²) − c`;
 * default `c = 0.00054·√D` (the paper's choice, e.g. 0.03 for 3×32×32).
 * Not the elementwise pseudo-Huber (see `scheduled-pseudo-huber`) nor `F.huber_loss`.
 * `c > 0` keeps the gradient finite at `x = t`.
 *
 * @see https://arxiv.org/abs/2310.14189
 */
export const pseudoHuber = defineLoss({
  name: 'pseudo-huber',
  summary: 'Per-sample pseudo-Huber sqrt(‖x − t‖² + c²) − c with c = 0.00054·√D (iCT).',
  paper: { title: 'Improved Techniques for Training Consistency Models', arxiv: '2310.14189', year: 2023 },
  io: { required: ['predictions', 'targets'], optional: ['weights'], output: 'predictions', target: 'targets' },
  params: z.strictObject({
    c: z.number().positive().max(1e6).nullable().default(null).describe('Constant c; null = 0.00054·√D with D the per-sample size.'),
  }),
  compute(p, inputs, reduction, label) {
    const x = batchInput(inputs, 'predictions', label);
    const t = sameShapeInput(inputs, 'targets', label, x, 'predictions');
    const n = x.shape[0]!;
    const d = x.shape.slice(1).reduce((a, b) => a * b, 1);
    const weights = sampleWeights(inputs, label, n);
    const c = p.c ?? 0.00054 * Math.sqrt(d);
    const sq = tf.sum(tf.reshape(tf.squaredDifference(x, t), [n, d]), 1);
    const per = tf.sub(tf.sqrt(tf.add(sq, c * c)), c);
    return reduceLoss(per, reduction, weights ? { weights } : {});
  },
});
