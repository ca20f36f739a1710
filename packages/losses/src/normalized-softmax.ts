import * as tf from '@tensorflow/tfjs-core';
import { checkDim, requireInput, z } from '@tessera/core';
import { l2Normalize } from './contrastive-utils.js';
import { crossEntropy } from './cross-entropy.js';
import { defineLoss } from './define-loss.js';

/**
 * Normalized softmax loss (cosine logits; Zhai & Wu 2018, used by
 * "Hyperspherical embedding for novel class classification").
 *
 * Notation: embeddings `x [N, D]`, class weights `W [C, D]` (input
 * `classifier`), `x̂ = x/‖x‖`, `Ŵ_c = W_c/‖W_c‖`, temperature `T`.
 * `ℓ_i = CE(x̂_i·Ŵᵀ/T, y_i)` — `cross-entropy` on cosine logits (label
 * smoothing and ignoreIndex as there). Normalisation clamps norms at 1e-12.
 *
 * @see https://arxiv.org/abs/1811.12649 (Classification is a Strong Baseline for Deep Metric Learning)
 */
export const normalizedSoftmax = defineLoss({
  name: 'normalized-softmax',
  aliases: ['cosine-softmax'],
  summary: 'Normalized softmax: cross-entropy over cosine similarities between embeddings and class weights / T.',
  paper: { title: 'Classification is a Strong Baseline for Deep Metric Learning', arxiv: '1811.12649', year: 2019 },
  io: { required: ['embeddings', 'classifier', 'labels'], optional: ['weights'], output: 'embeddings', target: 'labels' },
  params: z.strictObject({
    temperature: z.number().positive().max(100).default(0.05).describe('Temperature T dividing the cosine logits (0.05 in the reference).'),
    labelSmoothing: z.number().min(0).max(1).default(0).describe('Label smoothing of the cross-entropy.'),
    ignoreIndex: z.number().int().default(-100).describe('Samples whose class id equals this are ignored.'),
  }),
  compute(p, inputs, reduction, label) {
    const x = requireInput(inputs, 'embeddings', label, { rank: 2, dtype: 'float32', describe: '[N, D] float32' });
    const w = requireInput(inputs, 'classifier', label, { rank: 2, dtype: 'float32', describe: '[C, D] float32' });
    checkDim(w, 1, x.shape[1]!, 'classifier', 'D (the embedding size)', label);
    const logits = tf.div(tf.matMul(l2Normalize(x), tf.transpose(l2Normalize(w))), p.temperature);
    return crossEntropy
      .create({ labelSmoothing: p.labelSmoothing, ignoreIndex: p.ignoreIndex })
      .compute({ ...inputs, logits }, { reduction });
  },
});
