import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss, zTemperature } from './define-loss.js';
import { logitsInput, sampleWeights, teacherLogitsInput } from './inputs.js';
import { reduceLoss } from './reduce.js';

/**
 * Binary KL distillation of Dual-Head KD (Yang et al. 2025): each class is a
 * Bernoulli variable, so logits can be matched without a softmax.
 *
 * Notation: student logits `z`, teacher logits `zₜ`, temperature `T`,
 * `q = σ(zₜ/T)`, `p = σ(z/T)`; logs via `log σ(x) = −softplus(−x)`,
 * `log(1−σ(x)) = −softplus(x)` (the reference clamps probabilities to [1e-8, 1−1e-8]; same values away from saturation).
 * `ℓ_i = T²·Σ_c [q_c(log q_c − log p_c) + (1−q_c)(log(1−q_c) − log(1−p_c))]`; `mean` divides by N.
 * It trains the auxiliary head of DHKD; the classifier head uses `kl-divergence`.
 *
 * @see https://arxiv.org/abs/2411.08937
 */
export const binaryKl = defineLoss({
  name: 'binary-kl',
  aliases: ['dual-head-binary-kl'],
  summary: 'Dual-head KD binary KL: per-class Bernoulli KL(σ(z_t/T) || σ(z_s/T)), T² scaled.',
  paper: { title: 'Dual-Head Knowledge Distillation: Enhancing Logits Utilization with an Auxiliary Head', arxiv: '2411.08937', year: 2025 },
  io: { required: ['logits', 'teacherLogits'], optional: ['weights'], output: 'logits', target: 'teacherLogits' },
  params: z.strictObject({ temperature: zTemperature(2, 'Temperature T of both sigmoids (reference 2); the loss is scaled by T².') }),
  compute(p, inputs, reduction, label) {
    const zs = logitsInput(inputs, label);
    const zt = teacherLogitsInput(inputs, label, zs);
    const weights = sampleWeights(inputs, label, zs.shape[0]);
    const T = p.temperature;
    const s = tf.div(zs, T);
    const t = tf.div(zt, T);
    const q = tf.sigmoid(t);
    const logQ = tf.neg(tf.softplus(tf.neg(t)));
    const log1Q = tf.neg(tf.softplus(t));
    const logP = tf.neg(tf.softplus(tf.neg(s)));
    const log1P = tf.neg(tf.softplus(s));
    const kl = tf.add(tf.mul(q, tf.sub(logQ, logP)), tf.mul(tf.sub(1, q), tf.sub(log1Q, log1P)));
    return reduceLoss(tf.mul(tf.sum(kl, 1), T * T), reduction, weights ? { weights } : {});
  },
});
