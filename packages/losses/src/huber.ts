import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineElementwise } from './define-loss.js';

/**
 * Huber loss, `torch.nn.functional.huber_loss`.
 *
 * Notation: `d = x − t`, threshold `δ`.
 * `ℓ = ½d²` if `|d| < δ`, else `δ(|d| − ½δ)`. Quadratic near 0, linear (slope δ)
 * beyond δ. Differs from {@link smoothL1} by the factor δ: `huber_δ = δ·smoothL1_{β=δ}`.
 *
 * @see https://pytorch.org/docs/1.13/generated/torch.nn.functional.huber_loss.html
 * @see https://doi.org/10.1214/aoms/1177703732 (Huber 1964)
 */
export const huber = defineElementwise({
  name: 'huber',
  summary: 'Huber loss: quadratic within delta, linear beyond (torch F.huber_loss).',
  paper: { title: 'Robust Estimation of a Location Parameter', year: 1964, url: 'https://doi.org/10.1214/aoms/1177703732' },
  params: z.strictObject({
    delta: z.number().positive().max(1e6).default(1).describe('Threshold δ between the quadratic and the linear part (PyTorch `delta`).'),
  }),
  elementwise: (p, x, t) => {
    // q = min(|d|, δ): ½q² + δ(|d| − q) is ½d² inside and δ(|d| − ½δ) outside.
    const a = tf.abs(tf.sub(x, t));
    const q = tf.minimum(a, p.delta);
    return tf.add(tf.mul(tf.square(q), 0.5), tf.mul(tf.sub(a, q), p.delta));
  },
});
