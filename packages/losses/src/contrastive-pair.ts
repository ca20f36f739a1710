import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { inBatchKeep, groupLabels, pairInputs } from './contrastive-utils.js';
import { sampleWeights } from './inputs.js';
import { reduceLoss } from './reduce.js';

/** Euclidean distance with a finite gradient at 0: `sqrt(Σ (x − y)² + 1e-12)`. */
function dist(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.sqrt(tf.add(tf.sum(tf.square(tf.sub(x, y)), -1), 1e-12));
}

/**
 * Contrastive (pair) loss of Hadsell, Chopra & LeCun (2006).
 *
 * Notation: anchors `a`, positives `p`, negatives `n_ik` (given, `[N, K, D]`)
 * or — when no negatives are given — the other rows' positives `p_j` (j ≠ i,
 * skipping in-batch duplicates: equal `labels`, or identical positives);
 * Euclidean distance `d`, margin `m`.
 * `ℓ_i = ½·d(a_i, p_i)² + ½·mean_k max(0, m − d(a_i, n_ik))²`.
 * Embeddings are not normalised. A row with no negative contributes only its positive term.
 *
 * @see https://doi.org/10.1109/CVPR.2006.100
 */
export const contrastivePair = defineLoss({
  name: 'contrastive-pair',
  aliases: ['contrastive'],
  summary: 'Hadsell et al. contrastive loss: squared distance for positives, squared hinge m − d for negatives.',
  paper: { title: 'Dimensionality Reduction by Learning an Invariant Mapping', year: 2006, url: 'https://doi.org/10.1109/CVPR.2006.100' },
  io: { required: ['embeddings', 'positives'], optional: ['negatives', 'labels', 'weights'], output: 'embeddings' },
  params: z.strictObject({
    margin: z.number().min(0).max(1e4).default(1).describe('Margin m below which negatives are pushed apart.'),
  }),
  compute(p, inputs, reduction, label) {
    const { a, p: pos, neg, n } = pairInputs(inputs, label);
    const weights = sampleWeights(inputs, label, n);
    const posTerm = tf.square(dist(a, pos));
    let negTerm: tf.Tensor;
    if (neg) {
      negTerm = tf.mean(tf.square(tf.relu(tf.sub(p.margin, dist(tf.expandDims(a, 1), neg)))), 1);
    } else {
      const labels = groupLabels(inputs, label, n);
      const keep = tf.cast(inBatchKeep(pos, labels, true), 'float32');
      const h = tf.square(tf.relu(tf.sub(p.margin, dist(tf.expandDims(a, 1), tf.expandDims(pos, 0)))));
      negTerm = tf.div(tf.sum(tf.mul(h, keep), 1), tf.maximum(tf.sum(keep, 1), 1));
    }
    return reduceLoss(tf.mul(tf.add(posTerm, negTerm), 0.5), reduction, weights ? { weights } : {});
  },
});
