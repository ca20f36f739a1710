import * as tf from '@tensorflow/tfjs-core';
import { checkSameShape, optionalInput, requireInput, z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { cosineMatrix, maskLogits, pairInputs, rowCrossEntropy } from './contrastive-utils.js';
import { sampleWeights } from './inputs.js';
import { reduceLoss } from './reduce.js';

/**
 * GISTEmbed guided in-batch contrastive loss (sentence-transformers `GISTEmbedLoss`).
 *
 * Notation: student anchors `a`, positives `p`, optional negatives `n`
 * (`[N, K, D]`, flattened to NK candidates); the frozen guide model's
 * embeddings of the same texts `guideEmbeddings`, `guidePositives`,
 * `guideNegatives`; cosine similarities `S_XY` (student) and `G_XY` (guide);
 * threshold `t_i = G_AP[i, i]`.
 * A candidate of `X ∈ {AP, AA, PP, AN}` is masked (a likely false negative)
 * when `G_X[i, j] > t_i − margin` (absolute) or `> t_i·(1 − margin)`
 * (relative); the true positive `AP[i, i]` is never masked, and the
 * self-similarities `AA[i, i]`, `PP[i, i]` always are (the reference masks them
 * only through the guide, which fails when `t_i ≥ 1 − margin`).
 * `ℓ_i = CE([S_AP, S_AA, S_PP, S_AN]_i / τ, target i)`.
 *
 * @see https://arxiv.org/abs/2402.16829
 */
export const gistGuidedInfoNce = defineLoss({
  name: 'gist-guided-info-nce',
  aliases: ['gist-embed'],
  summary: 'GISTEmbed: in-batch InfoNCE whose false negatives are filtered by a frozen guide model (temperature 0.01).',
  paper: { title: 'GISTEmbed: Guided In-sample Selection of Training Negatives for Text Embedding Fine-tuning', arxiv: '2402.16829', year: 2024 },
  io: { required: ['embeddings', 'positives', 'guideEmbeddings', 'guidePositives'], optional: ['negatives', 'guideNegatives', 'weights'], output: 'embeddings' },
  params: z.strictObject({
    temperature: z.number().positive().max(1e3).default(0.01).describe('Temperature τ (sentence-transformers and paper: 0.01).'),
    marginStrategy: z.enum(['absolute', 'relative']).default('absolute').describe('How the margin lowers the guide threshold: t − margin, or t·(1 − margin).'),
    margin: z.number().min(0).max(1).default(0).describe('Margin of the false-negative filter (0 keeps negatives the guide rates strictly below the positive).'),
  }),
  compute(p, inputs, reduction, label) {
    const { a, p: pos, neg, n } = pairInputs(inputs, label);
    const ga = requireInput(inputs, 'guideEmbeddings', label, { rank: 2, dtype: 'float32', describe: '[N, D_guide] float32' }) as tf.Tensor2D;
    const gp = requireInput(inputs, 'guidePositives', label, { rank: 2, dtype: 'float32', describe: '[N, D_guide] float32' }) as tf.Tensor2D;
    checkSameShape(gp, ga, 'guidePositives', 'guideEmbeddings', label);
    if (ga.shape[0] !== n) checkSameShape(ga, a, 'guideEmbeddings', 'embeddings', label);
    const gnRaw = optionalInput(inputs, 'guideNegatives', label, { rank: [2, 3], dtype: 'float32', describe: '[N, K, D_guide] float32' });
    if (neg && !gnRaw) requireInput(inputs, 'guideNegatives', label, { describe: '[N, K, D_guide] (negatives were given)' });
    const weights = sampleWeights(inputs, label, n);
    const gAP = cosineMatrix(ga, gp);
    const threshold = tf.sum(tf.mul(gAP, tf.eye(n)), 1, true);
    const limit = p.marginStrategy === 'absolute' ? tf.sub(threshold, p.margin) : tf.mul(threshold, 1 - p.margin);
    const eye = tf.cast(tf.eye(n), 'bool');
    const keep = (g: tf.Tensor) => tf.logicalNot(tf.greater(g, limit));
    const blocks = [
      maskLogits(cosineMatrix(a, pos), tf.logicalOr(keep(gAP), eye)),
      maskLogits(cosineMatrix(a, a), tf.logicalAnd(keep(cosineMatrix(ga, ga)), tf.logicalNot(eye))),
      maskLogits(cosineMatrix(pos, pos), tf.logicalAnd(keep(cosineMatrix(gp, gp)), tf.logicalNot(eye))),
    ];
    if (neg && gnRaw) {
      const flat = tf.reshape(neg, [-1, neg.shape[2]]) as tf.Tensor2D;
      const gFlat = tf.reshape(gnRaw, [-1, gnRaw.shape[gnRaw.rank - 1]!]) as tf.Tensor2D;
      if (gFlat.shape[0] !== flat.shape[0]) checkSameShape(gnRaw, neg, 'guideNegatives', 'negatives', label);
      blocks.push(maskLogits(cosineMatrix(a, flat), keep(cosineMatrix(ga, gFlat))));
    }
    const logits = tf.div(tf.concat(blocks, 1), p.temperature);
    const target = tf.concat([tf.eye(n), tf.zeros([n, logits.shape[1]! - n])], 1);
    return reduceLoss(rowCrossEntropy(logits, target), reduction, weights ? { weights } : {});
  },
});
