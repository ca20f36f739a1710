import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { focalParams, focalTerms } from './focal.js';
import { classTargets, classWeightTensor, logitsInput, sampleWeights } from './inputs.js';
import { reduceLoss } from './reduce.js';
import { safePow } from './softmax-utils.js';

/**
 * Poly-1 focal loss (PolyLoss), softmax form.
 *
 * Notation as in {@link focal}; `P_t = Σ_c t_c p_c`.
 * `ℓ_i = FL_γ(z_i, y_i) + ε·(1 − P_t)^{γ+1}`; ε = 0 is the focal loss.
 * The paper states it for the sigmoid focal loss of detectors,
 * `p_t = yσ(z) + (1−y)(1−σ(z))`; this package's focal loss is the softmax
 * form, so is its Poly-1 extension (same leading-term construction).
 *
 * @see https://arxiv.org/abs/2204.12511
 */
export const poly1Focal = defineLoss({
  name: 'poly1-focal',
  summary: 'Poly-1 focal loss: focal loss + epsilon·(1 − p_t)^(gamma+1) (PolyLoss), softmax form.',
  paper: { title: 'PolyLoss: A Polynomial Expansion Perspective of Classification Loss Functions', arxiv: '2204.12511', year: 2022 },
  io: { required: ['logits', 'labels'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: z.strictObject({
    epsilon: z.number().min(-1).max(100).default(1).describe('Weight ε of the polynomial term (1 − P_t)^(γ+1); 0 gives the focal loss.'),
    ...focalParams,
  }),
  compute(p, inputs, reduction, label) {
    const logits = logitsInput(inputs, label);
    const { target, valid } = classTargets(inputs, label, logits, p.ignoreIndex);
    const weights = sampleWeights(inputs, label, logits.shape[0]);
    const alpha = typeof p.alpha === 'number' ? p.alpha : classWeightTensor(p.alpha, logits.shape[1], label, 'alpha');
    const { logp, focal } = focalTerms(logits, target, p.gamma, alpha);
    const pt = tf.sum(tf.mul(target, tf.exp(logp)), 1);
    const poly = tf.mul(tf.mul(safePow(tf.relu(tf.sub(1, pt)), p.gamma + 1), valid), p.epsilon);
    return reduceLoss(tf.add(focal, poly), reduction, { counts: valid, ...(weights ? { weights } : {}) });
  },
});
