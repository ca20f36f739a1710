import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss, zTemperature } from './define-loss.js';
import { logitsInput, sampleWeights, teacherLogitsInput } from './inputs.js';
import { reduceLoss } from './reduce.js';
import { klFromLogProbs, logSoftmaxT } from './softmax-utils.js';

/**
 * Jensen–Shannon distillation loss.
 *
 * Notation as in {@link klDivergence}; `m = ½(p + pₜ)` with
 * `log m = logSumExp(log p, log pₜ) − log 2` (stable).
 * `ℓ_i = T²·[½KL(p ‖ m) + ½KL(pₜ ‖ m)]`, bounded by `T² log 2`; `mean` divides by N.
 *
 * @see https://arxiv.org/abs/2307.15190 (f-divergence minimization for sequence-level KD)
 */
export const jsDivergence = defineLoss({
  name: 'js-divergence',
  aliases: ['kd-js', 'jensen-shannon'],
  summary: 'Jensen-Shannon divergence between student and teacher softmax, with temperature and T² scaling.',
  paper: { title: 'f-Divergence Minimization for Sequence-Level Knowledge Distillation', arxiv: '2307.15190', year: 2023 },
  io: { required: ['logits', 'teacherLogits'], optional: ['weights'], output: 'logits', target: 'teacherLogits' },
  params: z.strictObject({ temperature: zTemperature(1, 'Softmax temperature T of teacher and student; the loss is scaled by T².') }),
  compute(p, inputs, reduction, label) {
    const zs = logitsInput(inputs, label);
    const zt = teacherLogitsInput(inputs, label, zs);
    const weights = sampleWeights(inputs, label, zs.shape[0]);
    const T = p.temperature;
    const ls = logSoftmaxT(zs, T);
    const lt = logSoftmaxT(zt, T);
    const lm = tf.sub(tf.logSumExp(tf.stack([ls, lt]), 0), Math.log(2));
    const per = tf.mul(tf.add(klFromLogProbs(ls, lm), klFromLogProbs(lt, lm)), 0.5 * T * T);
    return reduceLoss(per, reduction, weights ? { weights } : {});
  },
});
