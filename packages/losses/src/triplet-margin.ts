import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { pairInputs } from './contrastive-utils.js';
import { sampleWeights } from './inputs.js';
import { reduceLoss } from './reduce.js';

/** `‖x − y + ε‖_p` over the last axis (PyTorch `pairwise_distance`, ε = 1e-6). */
export function pairwiseDistance(x: tf.Tensor, y: tf.Tensor, p: number, eps = 1e-6): tf.Tensor {
  const d = tf.add(tf.sub(x, y), eps);
  if (p === 2) return tf.sqrt(tf.sum(tf.square(d), -1));
  if (p === 1) return tf.sum(tf.abs(d), -1);
  return tf.pow(tf.sum(tf.pow(tf.abs(d), p), -1), 1 / p);
}

/**
 * Triplet margin loss, `torch.nn.functional.triplet_margin_loss`.
 *
 * Notation: anchors `a`, positives `p`, negatives `n_k` (K per anchor),
 * distance `d(x, y) = ‖x − y + ε‖_p`, margin `m`.
 * `ℓ_i = (1/K)·Σ_k max(0, m + d(a_i, p_i) − d(a_i, n_ik))`; with `swap`,
 * `d(a, n)` is replaced by `min(d(a, n), d(p, n))`. K = 1 (`negatives [N, D]`
 * or `[N, 1, D]`) is exactly PyTorch. Embeddings are not normalised.
 *
 * @see https://pytorch.org/docs/1.13/generated/torch.nn.functional.triplet_margin_loss.html
 * @see https://arxiv.org/abs/1503.03832 (FaceNet)
 */
export const tripletMargin = defineLoss({
  name: 'triplet-margin',
  aliases: ['triplet'],
  summary: 'Triplet margin loss max(0, m + d(a,p) − d(a,n)) (torch F.triplet_margin_loss).',
  paper: { title: 'FaceNet: A Unified Embedding for Face Recognition and Clustering', arxiv: '1503.03832', year: 2015 },
  io: { required: ['embeddings', 'positives', 'negatives'], optional: ['weights'], output: 'embeddings' },
  params: z.strictObject({
    margin: z.number().min(0).max(1e4).default(1).describe('Margin m.'),
    p: z.number().min(1).max(10).default(2).describe('Norm degree of the pairwise distance.'),
    swap: z.boolean().default(false).describe('Distance swap (Balntas et al.): use min(d(a,n), d(p,n)).'),
  }),
  compute(p, inputs, reduction, label) {
    const { a, p: pos, neg, n } = pairInputs(inputs, label, { negatives: 'required' });
    const weights = sampleWeights(inputs, label, n);
    const dap = pairwiseDistance(a, pos, p.p);
    const a3 = tf.expandDims(a, 1);
    let dan = pairwiseDistance(a3, neg!, p.p);
    if (p.swap) dan = tf.minimum(dan, pairwiseDistance(tf.expandDims(pos, 1), neg!, p.p));
    const per = tf.mean(tf.relu(tf.sub(tf.add(tf.expandDims(dap, 1), p.margin), dan)), 1);
    return reduceLoss(per, reduction, weights ? { weights } : {});
  },
});
