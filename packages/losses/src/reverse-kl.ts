import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss, zTemperature } from './define-loss.js';
import { logitsInput, sampleWeights, teacherLogitsInput } from './inputs.js';
import { reduceLoss } from './reduce.js';
import { klFromLogProbs, logSoftmaxT } from './softmax-utils.js';

/**
 * Reverse KL distillation loss: `T²·KL(p ‖ pₜ)` (mode-seeking).
 *
 * Notation as in {@link klDivergence}: `ℓ_i = T²·Σ_c p_c (log p_c − log pₜ,c)`;
 * the gradient flows through the student's weights `p_c` as well as `log p_c`.
 * `mean` divides by N. Oracle: `F.kl_div(log pₜ, log p, log_target=True, reduction='batchmean')·T²`.
 *
 * @see https://arxiv.org/abs/2306.08543 (MiniLLM: reverse KL for distillation)
 */
export const reverseKl = defineLoss({
  name: 'reverse-kl',
  aliases: ['kd-reverse-kl'],
  summary: 'Reverse KL(student || teacher) distillation loss with temperature and T² scaling.',
  paper: { title: 'MiniLLM: Knowledge Distillation of Large Language Models', arxiv: '2306.08543', year: 2023 },
  io: { required: ['logits', 'teacherLogits'], optional: ['weights'], output: 'logits', target: 'teacherLogits' },
  params: z.strictObject({ temperature: zTemperature(1, 'Softmax temperature T of teacher and student; the loss is scaled by T².') }),
  compute(p, inputs, reduction, label) {
    const zs = logitsInput(inputs, label);
    const zt = teacherLogitsInput(inputs, label, zs);
    const weights = sampleWeights(inputs, label, zs.shape[0]);
    const T = p.temperature;
    const per = tf.mul(klFromLogProbs(logSoftmaxT(zs, T), logSoftmaxT(zt, T)), T * T);
    return reduceLoss(per, reduction, weights ? { weights } : {});
  },
});
