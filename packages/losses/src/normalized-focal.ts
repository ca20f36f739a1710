import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { classIdInputs, zIgnoreIndex } from './inputs.js';
import { nflTerm } from './noisy-label-terms.js';
import { reduceLoss } from './reduce.js';

/**
 * Normalized focal loss (Ma et al. 2020), as in the official code:
 * `ℓ_i = scale·(1−p_y)^γ(−log p_y) / Σ_c (1−p_c)^γ(−log p_c)` where the
 * factors `(1−p)^γ` are detached in numerator and normaliser (`.data` in the
 * code), so only the `log p` terms are differentiated. γ = 0 is NCE.
 * Default γ = 0.5, the value of the paper's NFL+RCE experiments (the code's class default is 0).
 *
 * @see https://arxiv.org/abs/2006.13554
 */
export const normalizedFocal = defineLoss({
  name: 'normalized-focal',
  aliases: ['nfl'],
  summary: 'Normalized focal loss FL(y)/Σ_c FL(c) with detached focal weights (Ma et al. 2020 code).',
  paper: { title: 'Normalized Loss Functions for Deep Learning with Noisy Labels', arxiv: '2006.13554', year: 2020 },
  io: { required: ['logits', 'labels'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: z.strictObject({
    gamma: z.number().min(0).max(100).default(0.5).describe('Focusing parameter γ (0 gives NCE).'),
    scale: z.number().positive().max(1e4).default(1).describe('Scale of the normalized loss.'),
    ignoreIndex: zIgnoreIndex(),
  }),
  compute(p, inputs, reduction, label) {
    const { logits, onehot, valid, weights } = classIdInputs(inputs, label, p.ignoreIndex);
    const per = tf.mul(tf.mul(nflTerm(tf.logSoftmax(logits), onehot, p.gamma), valid), p.scale);
    return reduceLoss(per, reduction, { counts: valid, ...(weights ? { weights } : {}) });
  },
});
