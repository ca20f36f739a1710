import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { classTargets, logitsInput, sampleWeights } from './inputs.js';
import { reduceLoss } from './reduce.js';

/**
 * Poly-1 cross-entropy (PolyLoss).
 *
 * Notation: logits `z [N, C]`, `p = softmax(z)`, targets `t` (one-hot of class
 * ids, or probabilities), smoothed `t' = (1−ε_ls)t + ε_ls/C`, `P_t = Σ_c t'_c p_c`.
 * `ℓ_i = CE(z_i, t'_i) + ε·(1 − P_t)`; ε = 0 is cross-entropy. `mean` divides by the kept samples.
 *
 * Default ε = 1 (the catalog's and most libraries'); the paper recommends 2
 * for ImageNet (optax's default) and −1 for detection. ε ≥ −1.
 *
 * @see https://arxiv.org/abs/2204.12511
 */
export const poly1 = defineLoss({
  name: 'poly1',
  aliases: ['poly1-cross-entropy', 'poly-loss'],
  summary: 'Poly-1 loss: cross-entropy + epsilon·(1 − p_t) (PolyLoss; optax poly_loss_cross_entropy).',
  paper: { title: 'PolyLoss: A Polynomial Expansion Perspective of Classification Loss Functions', arxiv: '2204.12511', year: 2022 },
  io: { required: ['logits', 'labels'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: z.strictObject({
    epsilon: z.number().min(-1).max(100).default(1).describe('Weight ε of the first polynomial term (1 − P_t); 0 gives cross-entropy.'),
    labelSmoothing: z.number().min(0).max(1).default(0).describe('Label smoothing of the targets, used in both terms.'),
    ignoreIndex: z.number().int().default(-100).describe('Samples whose class id equals this are ignored (class-id labels only).'),
  }),
  compute(p, inputs, reduction, label) {
    const logits = logitsInput(inputs, label);
    const c = logits.shape[1];
    const { target, valid } = classTargets(inputs, label, logits, p.ignoreIndex);
    const weights = sampleWeights(inputs, label, logits.shape[0]);
    const t = p.labelSmoothing > 0 ? tf.mul(tf.add(tf.mul(target, 1 - p.labelSmoothing), p.labelSmoothing / c), tf.expandDims(valid, 1)) : target;
    const logp = tf.logSoftmax(logits);
    const ce = tf.neg(tf.sum(tf.mul(t, logp), 1));
    const pt = tf.sum(tf.mul(t, tf.exp(logp)), 1);
    const per = tf.add(ce, tf.mul(tf.mul(tf.sub(1, pt), valid), p.epsilon));
    return reduceLoss(per, reduction, { counts: valid, ...(weights ? { weights } : {}) });
  },
});
