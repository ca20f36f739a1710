import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { checkSameShape, ShapeError } from '@tessera/core';
import { classIdInputs, logitsInput, sampleWeights, teacherLogitsInput, zIgnoreIndex } from './inputs.js';
import { rceTerm } from './noisy-label-terms.js';
import { reduceLoss } from './reduce.js';

/**
 * Symmetric cross-entropy, two forms selected by the inputs.
 *
 * - With class-id `labels` (Wang et al. 2019, noisy labels): `ℓ = α·CE + β·RCE`,
 *   RCE as in `reverse-cross-entropy` (official code: clamps 1e-7 / 1e-4, A ≈ 9.21);
 *   defaults α = 0.1, β = 1 (the paper's CIFAR-10 setting).
 * - With `teacherLogits` (Robust Mean Teacher, Döbler et al. 2023, test-time
 *   adaptation): `ℓ = −½·Σ_c [pₜ,c log p_c + p_c log pₜ,c]` with `p = softmax(z)`
 *   (student) and `pₜ = softmax(zₜ)` (EMA teacher, an input: no gradient from the
 *   trainer); the gradient flows through `p` in both terms. `labels` are ignored then.
 *
 * @see https://arxiv.org/abs/2211.13081 (Robust Mean Teacher)
 *
 * @see https://arxiv.org/abs/1908.06112
 */
export const symmetricCrossEntropy = defineLoss({
  name: 'symmetric-cross-entropy',
  aliases: ['sce'],
  summary: 'Symmetric cross-entropy: alpha·CE + beta·RCE with labels (Wang et al.), or the student–teacher consistency form of Robust Mean Teacher.',
  paper: { title: 'Symmetric Cross Entropy for Robust Learning with Noisy Labels', arxiv: '1908.06112', year: 2019 },
  io: { required: ['logits'], optional: ['labels', 'teacherLogits', 'weights'], output: 'logits', target: 'labels' },
  params: z.strictObject({
    alpha: z.number().min(0).max(1e4).default(0.1).describe('Weight α of cross-entropy.'),
    beta: z.number().min(0).max(1e4).default(1).describe('Weight β of reverse cross-entropy.'),
    ignoreIndex: zIgnoreIndex(),
  }),
  compute(p, inputs, reduction, label) {
    if (inputs.teacherLogits !== undefined) {
      const zs = logitsInput(inputs, label);
      const zt = teacherLogitsInput(inputs, label, zs);
      const weights = sampleWeights(inputs, label, zs.shape[0]);
      const ls = tf.logSoftmax(zs);
      const lt = tf.logSoftmax(zt);
      const per = tf.mul(tf.add(tf.sum(tf.mul(tf.exp(lt), ls), 1), tf.sum(tf.mul(tf.exp(ls), lt), 1)), -0.5);
      return reduceLoss(per, reduction, weights ? { weights } : {});
    }
    if (inputs.labels === undefined) {
      logitsInput(inputs, label);
      throw new ShapeError(`${label}: missing input "labels" [N] int32 (noisy-label form) or "teacherLogits" [N, C] (consistency form).`);
    }
    const { logits, onehot, valid, weights } = classIdInputs(inputs, label, p.ignoreIndex);
    const logp = tf.logSoftmax(logits);
    const ce = tf.neg(tf.sum(tf.mul(onehot, logp), 1));
    const per = tf.mul(tf.add(tf.mul(ce, p.alpha), tf.mul(rceTerm(logp, onehot), p.beta)), valid);
    return reduceLoss(per, reduction, { counts: valid, ...(weights ? { weights } : {}) });
  },
});
