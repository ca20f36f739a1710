import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { cosineMatrix, inBatchKeep, groupLabels, maskLogits, pairInputs, rowCrossEntropy } from './contrastive-utils.js';
import { sampleWeights } from './inputs.js';
import { reduceLoss } from './reduce.js';

/**
 * Multiple negatives ranking loss (sentence-transformers `MultipleNegativesRankingLoss`).
 *
 * Notation: anchors `a [N, D]`, positives `p [N, D]`, optional hard negatives
 * `n [N, K, D]`, cosine similarity `s`, scale `s₀` (= 1/τ).
 * Candidates `C = [p_1..p_N, n_{1,1}..n_{N,K}]` (every row's hard negatives
 * are negatives of every anchor); `ℓ_i = −log softmax(s₀·s(a_i, C))_i`, i.e.
 * `F.cross_entropy(cos_sim(a, C)·20, arange(N))`. Embeddings are normalised
 * (cosine). In-batch duplicates (equal `labels`, or identical positives) are
 * masked as in `info-nce`. Equals `info-nce` with τ = 1/scale.
 *
 * @see https://arxiv.org/abs/1705.00652 (Henderson et al., Efficient Natural Language Response Suggestion)
 * @see https://sbert.net/docs/package_reference/sentence_transformer/losses.html#multiplenegativesrankingloss
 */
export const multipleNegativesRanking = defineLoss({
  name: 'multiple-negatives-ranking',
  aliases: ['mnrl'],
  summary: 'Multiple negatives ranking loss: cross-entropy over scaled cosine similarities to in-batch candidates (scale 20).',
  paper: { title: 'Efficient Natural Language Response Suggestion for Smart Reply', arxiv: '1705.00652', year: 2017 },
  io: { required: ['embeddings', 'positives'], optional: ['negatives', 'labels', 'weights'], output: 'embeddings' },
  params: z.strictObject({
    scale: z.number().positive().max(1e4).default(20).describe('Scale multiplying the cosine similarities (sentence-transformers default 20, i.e. τ = 0.05).'),
  }),
  compute(p, inputs, reduction, label) {
    const { a, p: pos, neg, n } = pairInputs(inputs, label);
    const labels = groupLabels(inputs, label, n);
    const weights = sampleWeights(inputs, label, n);
    const keep = inBatchKeep(pos, labels);
    const ap = maskLogits(tf.mul(cosineMatrix(a, pos), p.scale), keep);
    let logits = ap;
    let target = tf.eye(n);
    if (neg) {
      const flat = tf.reshape(neg, [-1, neg.shape[2]]) as tf.Tensor2D;
      logits = tf.concat([ap, tf.mul(cosineMatrix(a, flat), p.scale)], 1);
      target = tf.concat([target, tf.zeros([n, flat.shape[0]])], 1);
    }
    return reduceLoss(rowCrossEntropy(logits, target), reduction, weights ? { weights } : {});
  },
});
