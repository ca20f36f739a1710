import * as tf from '@tensorflow/tfjs-core';
import { requireInput, z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { reduceLoss } from './reduce.js';

/**
 * Dispersive loss (Wang & He 2025, "Diffuse and Disperse"), InfoNCE-style variant without positives.
 *
 * Notation: intermediate representations `z_i` flattened to `[N, D]`,
 * `d_ij = ‖z_i − z_j‖²/D`, temperature `τ`.
 * Batch value `L = log( (1/N²)·Σ_{i,j} exp(−d_ij/τ) )` over the full N×N
 * matrix, diagonal included (the official snippet); minimising it spreads
 * the representations apart. A regularizer added with weight λ (paper ≈ 0.5).
 * Batch-level: `none` repeats `L` for every sample (so `mean` = `L`, `sum` = N·L); N = 1 gives 0.
 *
 * @see https://arxiv.org/abs/2506.09027
 */
export const dispersive = defineLoss({
  kind: 'regularizer',
  name: 'dispersive',
  summary: 'Dispersive regularizer log mean_ij exp(−‖z_i − z_j‖²/(D·τ)) pushing representations apart.',
  paper: { title: 'Diffuse and Disperse: Image Generation with Representation Regularization', arxiv: '2506.09027', year: 2025 },
  io: { required: ['embeddings'], optional: [], output: 'embeddings' },
  params: z.strictObject({
    temperature: z.number().positive().max(1e4).default(1).describe('Temperature τ dividing the normalised squared distances (official snippet: 1).'),
  }),
  compute(p, inputs, reduction, label) {
    const x = requireInput(inputs, 'embeddings', label, { rank: [2, 3, 4, 5], dtype: 'float32', describe: '[N, D] (or [N, ...]) float32' });
    const n = x.shape[0]!;
    if (n === 0) return reduceLoss(tf.zeros([0]), reduction);
    const d = x.shape.slice(1).reduce((a, b) => a * b, 1);
    const z2 = tf.reshape(x, [n, d]);
    const sq = tf.sum(tf.square(z2), 1);
    const dist = tf.relu(tf.sub(tf.add(tf.expandDims(sq, 1), tf.expandDims(sq, 0)), tf.mul(tf.matMul(z2, tf.transpose(z2)), 2)));
    const value = tf.sub(tf.logSumExp(tf.reshape(tf.div(tf.neg(dist), d * p.temperature), [-1])), Math.log(n * n));
    return reduceLoss(tf.mul(tf.ones([n]), value), reduction);
  },
});
