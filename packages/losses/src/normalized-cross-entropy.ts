import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { classIdInputs, zIgnoreIndex } from './inputs.js';
import { nceTerm } from './noisy-label-terms.js';
import { reduceLoss } from './reduce.js';

/**
 * Normalized cross-entropy (Ma et al. 2020): `ℓ_i = scale·(−log p_y)/Σ_c(−log p_c)`, in `[0, 1]`;
 * the normaliser is differentiated (official code). Robust to symmetric label noise; underfits alone
 * (pair it with a passive loss: `active-passive`).
 *
 * @see https://arxiv.org/abs/2006.13554
 */
export const normalizedCrossEntropy = defineLoss({
  name: 'normalized-cross-entropy',
  aliases: ['nce-loss'],
  summary: 'Normalized cross-entropy (−log p_y)/Σ_c(−log p_c), robust to noisy labels.',
  paper: { title: 'Normalized Loss Functions for Deep Learning with Noisy Labels', arxiv: '2006.13554', year: 2020 },
  io: { required: ['logits', 'labels'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: z.strictObject({
    scale: z.number().positive().max(1e4).default(1).describe('Scale of the normalized loss (the code\'s `scale`, α in NCE+RCE).'),
    ignoreIndex: zIgnoreIndex(),
  }),
  compute(p, inputs, reduction, label) {
    const { logits, onehot, valid, weights } = classIdInputs(inputs, label, p.ignoreIndex);
    const per = tf.mul(tf.mul(nceTerm(tf.logSoftmax(logits), onehot), valid), p.scale);
    return reduceLoss(per, reduction, { counts: valid, ...(weights ? { weights } : {}) });
  },
});
