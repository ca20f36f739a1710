import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { cosineMatrix, groupLabels, maskLogits, pairInputs, rowCrossEntropy } from './contrastive-utils.js';
import { sampleWeights } from './inputs.js';
import { reduceLoss } from './reduce.js';

/**
 * NT-Xent, the normalised temperature-scaled cross-entropy of SimCLR.
 *
 * Notation: two views `a [N, D]` (embeddings) and `p [N, D]` (positives),
 * `Z = [a; p]` (2N rows, L2-normalised), `s_ij = cos(Z_i, Z_j)/τ`.
 * For each of the 2N anchors, the positive is the other view of the same
 * sample and the candidates are all `j ≠ i`: `ℓ(i) = −log(exp(s_{i,i±N}) / Σ_{j≠i} exp(s_ij))`.
 * Self-similarity is always masked; with `labels`, other samples of the same
 * label are masked too (not negatives). `none` gives per sample the mean of
 * its two anchors, so `mean` is the mean over the 2N anchors (SimCLR).
 *
 * @see https://arxiv.org/abs/2002.05709
 */
export const ntXent = defineLoss({
  name: 'nt-xent',
  aliases: ['simclr'],
  summary: 'SimCLR NT-Xent over 2N views with self-similarity masked (temperature 0.5).',
  paper: { title: 'A Simple Framework for Contrastive Learning of Visual Representations', arxiv: '2002.05709', year: 2020 },
  io: { required: ['embeddings', 'positives'], optional: ['labels', 'weights'], output: 'embeddings' },
  params: z.strictObject({
    temperature: z.number().positive().max(1e3).default(0.5).describe('Temperature τ (SimCLR: 0.5 on CIFAR-10, 0.1 for large batches).'),
  }),
  compute(p, inputs, reduction, label) {
    const { a, p: pos, n } = pairInputs(inputs, label, { negatives: 'none' });
    const labels = groupLabels(inputs, label, n);
    const weights = sampleWeights(inputs, label, n);
    if (n === 0) return reduceLoss(tf.zeros([0]), reduction);
    const zAll = tf.concat([a, pos], 0) as tf.Tensor2D;
    const sim = tf.div(cosineMatrix(zAll, zAll), p.temperature);
    const idx = tf.range(0, 2 * n, 1, 'int32');
    const partner = tf.concat([tf.range(n, 2 * n, 1, 'int32'), tf.range(0, n, 1, 'int32')]);
    const target = tf.cast(tf.oneHot(partner, 2 * n), 'float32');
    let keep = tf.logicalNot(tf.cast(tf.oneHot(idx, 2 * n), 'bool'));
    if (labels) {
      const l2 = tf.concat([labels, labels]);
      const same = tf.equal(tf.expandDims(l2, 1), tf.expandDims(l2, 0));
      keep = tf.logicalAnd(keep, tf.logicalOr(tf.logicalNot(same), tf.cast(target, 'bool')));
    }
    const per2 = rowCrossEntropy(maskLogits(sim, keep), target);
    const per = tf.mul(tf.add(tf.slice(per2, 0, n), tf.slice(per2, n, n)), 0.5);
    return reduceLoss(per, reduction, weights ? { weights } : {});
  },
});
