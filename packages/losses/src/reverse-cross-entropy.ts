import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { classIdInputs, zIgnoreIndex } from './inputs.js';
import { rceTerm } from './noisy-label-terms.js';
import { reduceLoss } from './reduce.js';

/**
 * Reverse cross-entropy (Wang et al. 2019): the cross-entropy of the one-hot
 * target under the prediction, with `log 0` clamped: `ℓ_i = −scale·Σ_c
 * clamp(p_c, 1e-7, 1)·log clamp(Y_c, 1e-4, 1) = scale·A·Σ_{c≠y} clamp(p_c, 1e-7, 1)`
 * with `A = −log 1e-4 ≈ 9.21`, as in the official code (the paper writes `A = −4`).
 *
 * @see https://arxiv.org/abs/1908.06112
 */
export const reverseCrossEntropy = defineLoss({
  name: 'reverse-cross-entropy',
  aliases: ['rce'],
  summary: 'Reverse cross-entropy −Σ p log(clamped one-hot), the passive noise-robust term of SCE/APL.',
  paper: { title: 'Symmetric Cross Entropy for Robust Learning with Noisy Labels', arxiv: '1908.06112', year: 2019 },
  io: { required: ['logits', 'labels'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: z.strictObject({
    scale: z.number().positive().max(1e4).default(1).describe('Scale of the loss (the code\'s `scale`, β in NCE+RCE).'),
    ignoreIndex: zIgnoreIndex(),
  }),
  compute(p, inputs, reduction, label) {
    const { logits, onehot, valid, weights } = classIdInputs(inputs, label, p.ignoreIndex);
    const per = tf.mul(tf.mul(rceTerm(tf.logSoftmax(logits), onehot), valid), p.scale);
    return reduceLoss(per, reduction, { counts: valid, ...(weights ? { weights } : {}) });
  },
});
