import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { sameShapeInput, sampleWeights } from './inputs.js';
import { reduceLoss } from './reduce.js';
import { requireInput } from '@tessera/core';

/**
 * NeuralNDCG (Pobrotyn & Białobrzeski 2021), allRank's `neuralNDCG` (deterministic NeuralSort).
 *
 * Notation: scores `s [N, L]` (`predictions`), relevances `y [N, L]` (`targets`, ≥ 0),
 * `A_ij = |s_i − s_j|`, rank-position weights `c_r = L + 1 − 2r` (r = 1..L),
 * `P̂ = softmax_rows((c_r s_i − Σ_k A_ik)/τ)` (rows = rank positions), made
 * doubly stochastic by `sinkhornIterations` column-then-row normalisations,
 * gains `g = 2^y − 1` (or `y`), discounts `d_r = 1/log₂(r + 1)` truncated at `k`.
 * `ℓ_n = −Σ_r (P̂g)_r d_r / (IDCG@k + 1e-10)`; slates with IDCG = 0 give 0 and are
 * not counted in the mean (as allRank). allRank stops Sinkhorn early at tolerance 1e-6;
 * a fixed number of iterations is used here (no device read), equal within that tolerance.
 * Padded items are not supported (use full slates).
 *
 * @see https://arxiv.org/abs/2102.07831
 */
export const neuralNdcg = defineLoss({
  name: 'neural-ndcg',
  summary: 'NeuralNDCG: differentiable NDCG through NeuralSort and Sinkhorn scaling (allRank).',
  paper: { title: 'NeuralNDCG: Direct Optimisation of a Ranking Metric via Differentiable Relaxation of Sorting', arxiv: '2102.07831', year: 2021 },
  io: { required: ['predictions', 'targets'], optional: ['weights'], output: 'predictions', target: 'targets' },
  params: z.strictObject({
    temperature: z.number().positive().max(1e4).default(1).describe('NeuralSort temperature τ.'),
    poweredRelevancies: z.boolean().default(true).describe('Gains 2^y − 1 (true) or y (false).'),
    k: z.number().int().min(1).max(1e6).nullable().default(null).describe('NDCG@k truncation; null = the slate length.'),
    sinkhornIterations: z.number().int().min(0).max(1000).default(50).describe('Sinkhorn scaling iterations (allRank: at most 50, early stop at 1e-6).'),
  }),
  compute(p, inputs, reduction, label) {
    const s = requireInput(inputs, 'predictions', label, { rank: 2, dtype: 'float32', describe: '[N, L] float32 scores' });
    const y = sameShapeInput(inputs, 'targets', label, s, 'predictions');
    const [n, l] = s.shape as [number, number];
    const weights = sampleWeights(inputs, label, n);
    if (n === 0 || l === 0) return reduceLoss(tf.zeros([n]), reduction);
    const k = Math.min(p.k ?? l, l);
    const a = tf.abs(tf.sub(tf.expandDims(s, 2), tf.expandDims(s, 1)));
    const b = tf.sum(a, 2); // [N, L]: Σ_k |s_i − s_k|
    const scaling = tf.tensor1d(Array.from({ length: l }, (_, r) => l + 1 - 2 * (r + 1)));
    // P_max[n, r, i] = c_r·s_i − b_i
    const pmax = tf.sub(tf.mul(tf.reshape(scaling, [1, l, 1]), tf.expandDims(s, 1)), tf.expandDims(b, 1));
    let ph = tf.softmax(tf.div(pmax, p.temperature));
    for (let it = 0; it < p.sinkhornIterations; it++) {
      ph = tf.div(ph, tf.maximum(tf.sum(ph, 1, true), 1e-10));
      ph = tf.div(ph, tf.maximum(tf.sum(ph, 2, true), 1e-10));
    }
    const gain = (v: tf.Tensor) => (p.poweredRelevancies ? tf.sub(tf.pow(2, v), 1) : v);
    const disc = tf.tensor1d(Array.from({ length: l }, (_, r) => (r < k ? 1 / Math.log2(r + 2) : 0)));
    const dcg = tf.sum(tf.mul(tf.squeeze(tf.matMul(ph, tf.expandDims(gain(y), 2)), [2]), disc), 1);
    const ideal = tf.sum(tf.mul(gain(tf.topk(y, l).values), disc), 1);
    const has = tf.cast(tf.greater(ideal, 0), 'float32');
    const per = tf.mul(tf.neg(tf.div(dcg, tf.add(ideal, 1e-10))), has);
    return reduceLoss(per, reduction, { counts: has, ...(weights ? { weights } : {}) });
  },
});
