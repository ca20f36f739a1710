import * as tf from '@tensorflow/tfjs-core';
import { checkDim, optionalInput, requireInput, z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { l2Normalize, maskLogits } from './contrastive-utils.js';
import { classLabels, sampleWeights } from './inputs.js';
import { reduceLoss } from './reduce.js';

/**
 * Supervised contrastive loss (Khosla et al. 2020), `SupConLoss` with `contrast_mode='all'`.
 *
 * Notation: features `Z` = the L2-normalised embeddings `[N, D]` and, when
 * given, their second view `positives [N, D]` (V = 1 or 2 views, VN anchors),
 * labels `y`, `s_ij = Z_i·Z_j/τ`, `P(i) = {j ≠ i : y_j = y_i}`.
 * `ℓ(i) = −(τ/τ_b)·(1/|P(i)|)·Σ_{j∈P(i)} log( exp(s_ij) / Σ_{k≠i} exp(s_ik) )`.
 * Anchors without a positive give 0 (the current official code; the first
 * release gave NaN). Self-similarity is always masked. `none` gives per
 * sample the mean over its views; `mean` is the mean over all anchors.
 * The official loss expects normalised features; this one normalises them.
 *
 * @see https://arxiv.org/abs/2004.11362
 */
export const supcon = defineLoss({
  name: 'supcon',
  aliases: ['supervised-contrastive'],
  summary: 'Supervised contrastive loss over same-label positives (SupConLoss, contrast mode all).',
  paper: { title: 'Supervised Contrastive Learning', arxiv: '2004.11362', year: 2020 },
  io: { required: ['embeddings', 'labels'], optional: ['positives', 'weights'], output: 'embeddings', target: 'labels' },
  params: z.strictObject({
    temperature: z.number().positive().max(1e3).default(0.07).describe('Temperature τ (official default 0.07).'),
    baseTemperature: z.number().positive().max(1e3).default(0.07).describe('Base temperature τ_b; the loss is scaled by τ/τ_b (official default 0.07).'),
  }),
  compute(p, inputs, reduction, label) {
    const a = requireInput(inputs, 'embeddings', label, { rank: 2, dtype: 'float32', describe: '[N, D] float32' }) as tf.Tensor2D;
    const [n, d] = a.shape;
    const labels = classLabels(inputs, label, n);
    const second = optionalInput(inputs, 'positives', label, { rank: 2, dtype: 'float32', shape: [n, d], describe: `[N, D] = [${n}, ${d}] float32 (second view)` });
    const weights = sampleWeights(inputs, label, n);
    const views = second ? 2 : 1;
    if (second) checkDim(second, 0, n, 'positives', 'N', label);
    const feats = l2Normalize(second ? tf.concat([a, second], 0) : a);
    const ys = second ? tf.concat([labels, labels]) : labels;
    const m = views * n;
    const logits = tf.div(tf.matMul(feats, tf.transpose(feats)), p.temperature);
    const notSelf = tf.logicalNot(tf.cast(tf.eye(m), 'bool'));
    const posMask = tf.cast(tf.logicalAnd(tf.equal(tf.expandDims(ys, 1), tf.expandDims(ys, 0)), notSelf), 'float32');
    const logProb = tf.sub(logits, tf.logSumExp(maskLogits(logits, notSelf), 1, true));
    const count = tf.sum(posMask, 1);
    const meanLogProbPos = tf.div(tf.sum(tf.mul(posMask, logProb), 1), tf.maximum(count, 1));
    const perAnchor = tf.mul(meanLogProbPos, -p.temperature / p.baseTemperature);
    const per = views === 2 ? tf.mul(tf.add(tf.slice(perAnchor, 0, n), tf.slice(perAnchor, n, n)), 0.5) : perAnchor;
    return reduceLoss(per, reduction, weights ? { weights } : {});
  },
});
