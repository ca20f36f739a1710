import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { classIdInputs, zIgnoreIndex } from './inputs.js';
import { gceTerm } from './noisy-label-terms.js';
import { reduceLoss } from './reduce.js';

/**
 * Generalized cross-entropy (Zhang & Sabuncu 2018), robust to label noise.
 *
 * Notation: `p = softmax(z)`, class ids `y`, `q ∈ (0, 1]`.
 * `ℓ_i = (1 − p_y^q)/q`; `q → 0` tends to cross-entropy, `q = 1` is MAE `1 − p_y`.
 * As in the official code, `p_y` is clamped at 1e-7 (so the loss is bounded by `(1 − 1e-7^q)/q`).
 *
 * @see https://arxiv.org/abs/1805.07836
 */
export const generalizedCrossEntropy = defineLoss({
  name: 'generalized-cross-entropy',
  aliases: ['gce'],
  summary: 'Generalized cross-entropy (1 − p_y^q)/q, robust to noisy labels (q 0.7).',
  paper: { title: 'Generalized Cross Entropy Loss for Training Deep Neural Networks with Noisy Labels', arxiv: '1805.07836', year: 2018 },
  io: { required: ['logits', 'labels'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: z.strictObject({
    q: z.number().positive().max(1).default(0.7).describe('Exponent q ∈ (0, 1]: q → 0 tends to cross-entropy, q = 1 is MAE.'),
    ignoreIndex: zIgnoreIndex(),
  }),
  compute(p, inputs, reduction, label) {
    const { logits, onehot, valid, weights } = classIdInputs(inputs, label, p.ignoreIndex);
    const per = tf.mul(gceTerm(tf.logSoftmax(logits), onehot, p.q), valid);
    return reduceLoss(per, reduction, { counts: valid, ...(weights ? { weights } : {}) });
  },
});
