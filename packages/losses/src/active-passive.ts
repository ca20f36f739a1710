import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { classIdInputs, zIgnoreIndex } from './inputs.js';
import { maeTerm, nceTerm, nflTerm, rceTerm } from './noisy-label-terms.js';
import { reduceLoss } from './reduce.js';

/**
 * Active-passive loss (APL, Ma et al. 2020): `ℓ = α·Active + β·Passive` with
 * Active ∈ {NCE, NFL} and Passive ∈ {RCE, MAE}, each term exactly as in
 * `normalized-cross-entropy`, `normalized-focal`, `reverse-cross-entropy` and
 * `mae-noisy` (official code). Paper settings: NCE+RCE α = β = 1 (CIFAR-10),
 * α = 10, β = 0.1 (CIFAR-100); NFL+RCE γ = 0.5.
 *
 * @see https://arxiv.org/abs/2006.13554
 */
export const activePassive = defineLoss({
  name: 'active-passive',
  aliases: ['apl'],
  summary: 'Active-passive loss alpha·(NCE | NFL) + beta·(RCE | MAE) for noisy labels.',
  paper: { title: 'Normalized Loss Functions for Deep Learning with Noisy Labels', arxiv: '2006.13554', year: 2020 },
  io: { required: ['logits', 'labels'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: z.strictObject({
    active: z.enum(['nce', 'nfl']).default('nce').describe('The active (normalized) term: NCE or NFL.'),
    passive: z.enum(['rce', 'mae']).default('rce').describe('The passive term: RCE or MAE.'),
    alpha: z.number().min(0).max(1e4).default(1).describe('Weight α of the active term.'),
    beta: z.number().min(0).max(1e4).default(1).describe('Weight β of the passive term.'),
    gamma: z.number().min(0).max(100).default(0.5).describe('Focusing γ of NFL (active = "nfl" only).'),
    ignoreIndex: zIgnoreIndex(),
  }),
  compute(p, inputs, reduction, label) {
    const { logits, onehot, valid, weights } = classIdInputs(inputs, label, p.ignoreIndex);
    const logp = tf.logSoftmax(logits);
    const active = p.active === 'nce' ? nceTerm(logp, onehot) : nflTerm(logp, onehot, p.gamma);
    const passive = p.passive === 'rce' ? rceTerm(logp, onehot) : maeTerm(logp, onehot);
    const per = tf.mul(tf.add(tf.mul(active, p.alpha), tf.mul(passive, p.beta)), valid);
    return reduceLoss(per, reduction, { counts: valid, ...(weights ? { weights } : {}) });
  },
});
