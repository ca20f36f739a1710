import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { classIdInputs, zIgnoreIndex } from './inputs.js';
import { maeTerm } from './noisy-label-terms.js';
import { reduceLoss } from './reduce.js';

/**
 * Mean absolute error between softmax and one-hot target, the noise-robust
 * classification loss of Ghosh et al., as in the APL code: `ℓ_i = scale·(1 − p_y)`.
 * Ghosh et al.'s MAE is `Σ_c |p_c − Y_c| = 2(1 − p_y)` (`scale` 2).
 * Its gradients vanish at initialisation for many classes (known underfitting).
 *
 * @see https://arxiv.org/abs/1712.09482 (Ghosh et al., Robust Loss Functions under Label Noise)
 * @see https://arxiv.org/abs/2006.13554 (Ma et al., Normalized Loss Functions)
 */
export const maeNoisy = defineLoss({
  name: 'mae-noisy',
  summary: 'Noise-robust MAE classification loss scale·(1 − p_y) (Ghosh et al.; APL code).',
  paper: { title: 'Robust Loss Functions under Label Noise for Deep Neural Networks', arxiv: '1712.09482', year: 2017 },
  io: { required: ['logits', 'labels'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: z.strictObject({
    scale: z.number().positive().max(1e4).default(1).describe('Scale of 1 − p_y (APL code default 1; Ghosh et al.: 2).'),
    ignoreIndex: zIgnoreIndex(),
  }),
  compute(p, inputs, reduction, label) {
    const { logits, onehot, valid, weights } = classIdInputs(inputs, label, p.ignoreIndex);
    const per = tf.mul(tf.mul(maeTerm(tf.logSoftmax(logits), onehot), valid), p.scale);
    return reduceLoss(per, reduction, { counts: valid, ...(weights ? { weights } : {}) });
  },
});
