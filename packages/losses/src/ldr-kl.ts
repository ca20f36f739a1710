import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { classIdInputs, zIgnoreIndex } from './inputs.js';
import { reduceLoss } from './reduce.js';

/**
 * LDR-KL loss (Zhu et al. 2023, label distributionally robust), as in the official `LDRLoss_V1`.
 *
 * Notation: logits `z [N, C]`, class ids `y`, margin `c` (`threshold`), `λ` (`Lambda`),
 * `f = softplus(z)/mean_k softplus(z)` (the code normalises the logits),
 * `d_k = c·1[k≠y] + f_k − f_y`.
 * `ℓ_i = λ·log((1/C)·Σ_k exp(d_k/λ))` (computed with a max shift). λ → 0 gives
 * the Crammer–Singer hinge with margin c; λ → ∞ the mean of `d`.
 *
 * @see https://arxiv.org/abs/2112.14869
 */
export const ldrKl = defineLoss({
  name: 'ldr-kl',
  summary: 'Label-distributionally-robust KL loss λ·log mean_k exp((c·1[k≠y] + f_k − f_y)/λ) (LDRLoss_V1).',
  paper: { title: 'Label Distributionally Robust Losses for Multi-class Classification: Consistency, Robustness and Adaptivity', arxiv: '2112.14869', year: 2023 },
  io: { required: ['logits', 'labels'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: z.strictObject({
    threshold: z.number().min(0).max(1e4).default(2).describe('Margin c added to every non-target class (official code `threshold`).'),
    lambda: z.number().positive().max(1e4).default(1).describe('DRO regularisation λ (official code `Lambda`).'),
    ignoreIndex: zIgnoreIndex(),
  }),
  compute(p, inputs, reduction, label) {
    const { logits, onehot, valid, weights, c } = classIdInputs(inputs, label, p.ignoreIndex);
    const sp = tf.softplus(logits);
    const f = tf.div(sp, tf.maximum(tf.mean(sp, 1, true), 1e-12));
    const fy = tf.sum(tf.mul(onehot, f), 1, true);
    const d = tf.div(tf.add(tf.mul(tf.sub(1, onehot), p.threshold), tf.sub(f, fy)), p.lambda);
    const per = tf.mul(tf.mul(tf.sub(tf.logSumExp(d, 1), Math.log(c)), p.lambda), valid);
    return reduceLoss(per, reduction, { counts: valid, ...(weights ? { weights } : {}) });
  },
});
