import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { cosineMatrix, inBatchKeep, groupLabels, maskLogits, pairInputs, rowCrossEntropy } from './contrastive-utils.js';
import { sampleWeights } from './inputs.js';
import { reduceLoss } from './reduce.js';

/**
 * InfoNCE with in-batch negatives (CPC / CLIP form).
 *
 * Notation: anchors `a [N, D]`, positives `p [N, D]`, optional hard negatives
 * `n [N, K, D]`, cosine similarity `s(·,·)` (embeddings are L2-normalised),
 * temperature `τ`. Candidates of every anchor: all positives of the batch and
 * all hard negatives of the batch, `C = [p_1..p_N, n_{1,1}..n_{N,K}]`.
 * `ℓ_i = −log( exp(s(a_i,p_i)/τ) / Σ_{c∈C} exp(s(a_i,c)/τ) )`.
 * `symmetric` averages with the positive→anchor direction (CLIP), over the N anchors only.
 *
 * In-batch duplicates: a candidate positive `p_j` (j ≠ i) that is the same
 * sample as `p_i` — equal `labels` when given, else cosine ≥ 1 − 1e-6 — is
 * masked (it is not a negative). With N = 1 and no negatives the loss is 0.
 *
 * @see https://arxiv.org/abs/1807.03748 (CPC)
 * @see https://arxiv.org/abs/2103.00020 (CLIP, symmetric form)
 */
export const infoNce = defineLoss({
  name: 'info-nce',
  aliases: ['infonce'],
  summary: 'InfoNCE with in-batch negatives, optional hard negatives, temperature and symmetric (CLIP) form.',
  paper: { title: 'Representation Learning with Contrastive Predictive Coding', arxiv: '1807.03748', year: 2018 },
  io: { required: ['embeddings', 'positives'], optional: ['negatives', 'labels', 'weights'], output: 'embeddings' },
  params: z.strictObject({
    temperature: z.number().positive().max(1e3).default(0.07).describe('Temperature τ dividing the cosine similarities (0.07 as CLIP/MoCo).'),
    symmetric: z.boolean().default(false).describe('Average with the positive→anchor direction (CLIP-style symmetric loss).'),
  }),
  compute(p, inputs, reduction, label) {
    const { a, p: pos, neg, n } = pairInputs(inputs, label);
    const labels = groupLabels(inputs, label, n);
    const weights = sampleWeights(inputs, label, n);
    const keepAp = inBatchKeep(pos, labels);
    const ap = maskLogits(tf.div(cosineMatrix(a, pos), p.temperature), keepAp);
    const eye = tf.eye(n);
    let logits = ap;
    let target = eye;
    if (neg) {
      const flat = tf.reshape(neg, [-1, neg.shape[2]]) as tf.Tensor2D;
      logits = tf.concat([ap, tf.div(cosineMatrix(a, flat), p.temperature)], 1);
      target = tf.concat([eye, tf.zeros([n, flat.shape[0]])], 1);
    }
    let per = rowCrossEntropy(logits, target);
    if (p.symmetric) {
      const pa = maskLogits(tf.div(cosineMatrix(pos, a), p.temperature), keepAp);
      per = tf.mul(tf.add(per, rowCrossEntropy(pa, eye)), 0.5);
    }
    return reduceLoss(per, reduction, weights ? { weights } : {});
  },
});
