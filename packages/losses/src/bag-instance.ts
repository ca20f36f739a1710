import * as tf from '@tensorflow/tfjs-core';
import { checkDim, requireInput, z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { batchInput, sameShapeInput } from './inputs.js';
import { reduceLoss } from './reduce.js';

/**
 * Learning from aggregate responses (Javanmard et al. 2024): interpolation of
 * the instance-level and bag-level squared losses.
 *
 * Notation: predictions `f_i` (`[N]` or `[N, 1]`), bag ids `a(i)` (`bagIds [N]`),
 * the bag's aggregate response `ȳ_a` given per instance (`targets`, equal within
 * a bag), bag mean prediction `f̄_a`, ρ ∈ [0, 1].
 * Per instance: `ℓ_i = ρ·(ȳ_{a(i)} − f_i)² + (1−ρ)·(ȳ_{a(i)} − f̄_{a(i)})²`; the mean over
 * instances weights each bag's bag-level term by its size. Identity (tested):
 * `mean_i (ȳ − f_i)² = mean_i (ȳ − f̄)² + mean_i (f_i − f̄)²`. Bags must not be
 * split across batches (a sampler concern); bag means use an `[N, N]` same-bag matrix.
 *
 * @see https://openreview.net/forum?id=E60SIDItyT (ICLR 2024)
 */
export const bagInstance = defineLoss({
  name: 'bag-instance',
  aliases: ['aggregate-response'],
  summary: 'Aggregate-response loss interpolating instance-level and bag-level squared errors (rho).',
  paper: { title: 'Learning from Aggregate responses: Instance Level versus Bag Level Loss Functions', year: 2024, url: 'https://openreview.net/forum?id=E60SIDItyT' },
  io: { required: ['predictions', 'targets', 'bagIds'], optional: [], output: 'predictions', target: 'targets' },
  params: z.strictObject({
    rho: z.number().min(0).max(1).default(0.5).describe('Interpolation ρ: 1 = instance-level loss, 0 = bag-level loss.'),
  }),
  compute(p, inputs, reduction, label) {
    const fRaw = batchInput(inputs, 'predictions', label);
    const yRaw = sameShapeInput(inputs, 'targets', label, fRaw, 'predictions');
    const n = fRaw.shape[0]!;
    const bags = requireInput(inputs, 'bagIds', label, { rank: 1, dtype: 'int32', describe: '[N] int32 bag ids' });
    checkDim(bags, 0, n, 'bagIds', 'N', label);
    const f = tf.reshape(fRaw, [n, n === 0 ? 0 : fRaw.size / n]);
    const fv = tf.mean(f, 1);
    const y = tf.mean(tf.reshape(yRaw, f.shape), 1);
    const same = tf.cast(tf.equal(tf.expandDims(bags, 1), tf.expandDims(bags, 0)), 'float32');
    const fbar = tf.div(tf.sum(tf.mul(same, tf.expandDims(fv, 0)), 1), tf.maximum(tf.sum(same, 1), 1));
    const per = tf.add(tf.mul(tf.squaredDifference(y, fv), p.rho), tf.mul(tf.squaredDifference(y, fbar), 1 - p.rho));
    return reduceLoss(per, reduction);
  },
});
