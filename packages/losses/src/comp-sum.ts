import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { classIdInputs, zIgnoreIndex } from './inputs.js';
import { reduceLoss } from './reduce.js';

/** Largest exponent used by comp-sum for τ < 1 (exp(80) ≈ 5.5e34 stays finite in float32). */
const MAX_EXPONENT = 80;

/**
 * Comp-sum losses (Mao, Mohri & Zhong 2023): `ℓ_τ = Φ^τ(Σ_{k≠y} e^{z_k − z_y})`.
 *
 * Notation: `u = Σ_{k≠y} e^{z_k−z_y} = 1/p_y − 1`, `log p_y = z_y − logSumExp(z)`.
 * `Φ¹(u) = log(1+u)` (cross-entropy), `Φ^τ(u) = ((1+u)^{1−τ} − 1)/(1−τ)`, i.e.
 * `ℓ_τ = (exp((1−τ)(−log p_y)) − 1)/(1−τ)`.
 * τ = 0: sum-exponential `1/p_y − 1`; τ = 1: CE; τ ∈ (1, 2): GCE with q = τ−1;
 * τ = 2: MAE `1 − p_y`. Uses the log form within |τ−1| < 1e-6.
 * For τ < 1 the loss is unbounded; the exponent `(1−τ)(−log p_y)` is capped at
 * 80 so that extreme logits give a finite value (gradient 0 beyond the cap).
 *
 * @see https://arxiv.org/abs/2304.07288
 */
export const compSum = defineLoss({
  name: 'comp-sum',
  summary: 'Comp-sum loss family Phi^tau: sum-exp (0), cross-entropy (1), GCE (1–2), MAE (2).',
  paper: { title: 'Cross-Entropy Loss Functions: Theoretical Analysis and Applications', arxiv: '2304.07288', year: 2023 },
  io: { required: ['logits', 'labels'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: z.strictObject({
    tau: z.number().min(0).max(2).default(1).describe('τ ∈ [0, 2]: 0 sum-exponential, 1 cross-entropy, (1, 2) GCE with q = τ − 1, 2 MAE.'),
    ignoreIndex: zIgnoreIndex(),
  }),
  compute(p, inputs, reduction, label) {
    const { logits, onehot, valid, weights } = classIdInputs(inputs, label, p.ignoreIndex);
    const nll = tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1));
    const k = 1 - p.tau;
    let per: tf.Tensor;
    if (Math.abs(k) < 1e-6) per = nll;
    else {
      const e = tf.mul(nll, k);
      per = tf.div(tf.expm1(k > 0 ? tf.minimum(e, MAX_EXPONENT) : e), k);
    }
    per = tf.mul(per, valid);
    return reduceLoss(per, reduction, { counts: valid, ...(weights ? { weights } : {}) });
  },
});
