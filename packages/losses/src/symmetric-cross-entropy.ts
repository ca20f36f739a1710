import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { classIdInputs, zIgnoreIndex } from './inputs.js';
import { rceTerm } from './noisy-label-terms.js';
import { reduceLoss } from './reduce.js';

/**
 * Symmetric cross-entropy (Wang et al. 2019): `ℓ = α·CE + β·RCE`, RCE as in
 * `reverse-cross-entropy` (official code: clamps 1e-7 / 1e-4, A ≈ 9.21).
 * Defaults α = 0.1, β = 1 (the paper's CIFAR-10 setting). The Robust Mean
 * Teacher's consistency form (student vs EMA-teacher softmax) is the same
 * symmetric construction on soft targets and is not this plugin.
 *
 * @see https://arxiv.org/abs/1908.06112
 */
export const symmetricCrossEntropy = defineLoss({
  name: 'symmetric-cross-entropy',
  aliases: ['sce'],
  summary: 'Symmetric cross-entropy alpha·CE + beta·RCE for noisy labels (Wang et al. 2019).',
  paper: { title: 'Symmetric Cross Entropy for Robust Learning with Noisy Labels', arxiv: '1908.06112', year: 2019 },
  io: { required: ['logits', 'labels'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: z.strictObject({
    alpha: z.number().min(0).max(1e4).default(0.1).describe('Weight α of cross-entropy.'),
    beta: z.number().min(0).max(1e4).default(1).describe('Weight β of reverse cross-entropy.'),
    ignoreIndex: zIgnoreIndex(),
  }),
  compute(p, inputs, reduction, label) {
    const { logits, onehot, valid, weights } = classIdInputs(inputs, label, p.ignoreIndex);
    const logp = tf.logSoftmax(logits);
    const ce = tf.neg(tf.sum(tf.mul(onehot, logp), 1));
    const per = tf.mul(tf.add(tf.mul(ce, p.alpha), tf.mul(rceTerm(logp, onehot), p.beta)), valid);
    return reduceLoss(per, reduction, { counts: valid, ...(weights ? { weights } : {}) });
  },
});
