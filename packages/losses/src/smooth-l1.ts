import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineElementwise } from './define-loss.js';

/**
 * Smooth L1 loss, `torch.nn.functional.smooth_l1_loss`.
 *
 * Notation: `d = x − t`, threshold `β`.
 * `ℓ = ½d²/β` if `|d| < β`, else `|d| − ½β`; `β = 0` is the L1 loss (as in PyTorch).
 *
 * @see https://pytorch.org/docs/1.13/generated/torch.nn.functional.smooth_l1_loss.html
 * @see https://arxiv.org/abs/1504.08083 (Fast R-CNN)
 */
export const smoothL1 = defineElementwise({
  name: 'smooth-l1',
  summary: 'Smooth L1 loss: quadratic within beta, L1 beyond (torch F.smooth_l1_loss).',
  paper: { title: 'Fast R-CNN', arxiv: '1504.08083', year: 2015 },
  params: z.strictObject({
    beta: z.number().min(0).max(1e6).default(1).describe('Threshold β between the quadratic and the linear part (PyTorch `beta`); 0 gives L1.'),
  }),
  elementwise: (p, x, t) => {
    const a = tf.abs(tf.sub(x, t));
    if (p.beta === 0) return a;
    // q = min(|d|, β): ½q²/β + (|d| − q) is ½d²/β inside and |d| − ½β outside.
    const q = tf.minimum(a, p.beta);
    return tf.add(tf.div(tf.mul(tf.square(q), 0.5), p.beta), tf.sub(a, q));
  },
});
