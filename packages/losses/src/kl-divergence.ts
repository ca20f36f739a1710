import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss, zTemperature } from './define-loss.js';
import { logitsInput, sampleWeights, teacherLogitsInput } from './inputs.js';
import { reduceLoss } from './reduce.js';
import { klFromLogProbs, logSoftmaxT } from './softmax-utils.js';
import { checkSameShape } from '@tessera/core';

/**
 * Forward KL distillation loss (Hinton et al.).
 *
 * Notation: student logits `z [N, C]`, teacher logits `zₜ [N, C]`, temperature
 * `T`, `pₜ = softmax(zₜ/T)`, `p = softmax(z/T)`.
 * `ℓ_i = T²·KL(pₜ ‖ p) = T²·Σ_c pₜ,c (log pₜ,c − log p_c)`; `mean` divides by N
 * (PyTorch's `batchmean`, not `mean` over N·C). The T² factor keeps gradient
 * magnitudes independent of T. The teacher gets no gradient from the trainer
 * (it is an input), but `tf.grad` w.r.t. `teacherLogits` is defined.
 *
 * @see https://arxiv.org/abs/1503.02531
 */
export const klDivergence = defineLoss({
  name: 'kl-divergence',
  aliases: ['kd', 'kd-forward-kl'],
  summary: 'Knowledge-distillation KL(teacher || student) with temperature and T² scaling (torch kl_div batchmean).',
  paper: { title: 'Distilling the Knowledge in a Neural Network', arxiv: '1503.02531', year: 2015 },
  io: { required: ['logits', 'teacherLogits'], optional: ['weights'], output: 'logits', target: 'teacherLogits' },
  params: z.strictObject({ temperature: zTemperature(1, 'Softmax temperature T of teacher and student; the loss is scaled by T².') }),
  compute(p, inputs, reduction, label) {
    const zs = logitsInput(inputs, label);
    const zt = teacherLogitsInput(inputs, label, zs);
    const weights = sampleWeights(inputs, label, zs.shape[0]);
    const T = p.temperature;
    const per = tf.mul(klFromLogProbs(logSoftmaxT(zt, T), logSoftmaxT(zs, T)), T * T);
    return reduceLoss(per, reduction, weights ? { weights } : {});
  },
});
