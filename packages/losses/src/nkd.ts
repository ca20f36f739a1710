import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { maskLogits } from './contrastive-utils.js';
import { defineLoss, zTemperature } from './define-loss.js';
import { classIdInputs, teacherLogitsInput, zIgnoreIndex } from './inputs.js';
import { reduceLoss } from './reduce.js';
import { stopGradient } from './stop-gradient.js';

/**
 * Normalized knowledge distillation (NKD, Yang et al. 2023), as `NKDLoss` of the official code (yzd-v/cls_KD).
 *
 * Notation: student logits `z`, teacher logits `zₜ`, class ids `y`,
 * `S = softmax(z)`, `T = softmax(zₜ)` (teacher detached), non-target
 * distributions `Ŝ = softmax(z_{k≠y}/τ)`, `T̂ = softmax(zₜ,_{k≠y}/τ)`.
 * `ℓ_i = −T_y·log S_y − γ·τ²·Σ_{k≠y} T̂_k log Ŝ_k`. The target class is removed
 * from the non-target softmax by masking (−1e9), not by slicing.
 *
 * @see https://github.com/yzd-v/cls_KD (official code, ICCV 2023)
 */
export const nkd = defineLoss({
  name: 'nkd',
  aliases: ['normalized-kd'],
  summary: 'Normalized KD: teacher-weighted target CE plus normalized non-target distillation (NKDLoss).',
  paper: { title: 'From Knowledge Distillation to Self-Knowledge Distillation: A Unified Approach with Normalized Loss and Customized Soft Labels', year: 2023, url: 'https://github.com/yzd-v/cls_KD' },
  io: { required: ['logits', 'teacherLogits', 'labels'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: z.strictObject({
    temperature: zTemperature(1, 'Temperature τ of the non-target distributions (official default 1).'),
    gamma: z.number().min(0).max(1e3).default(1.5).describe('Weight γ of the non-target term (official default 1.5).'),
    ignoreIndex: zIgnoreIndex(),
  }),
  compute(p, inputs, reduction, label) {
    const { logits, onehot, valid, weights } = classIdInputs(inputs, label, p.ignoreIndex);
    const zt = stopGradient(teacherLogitsInput(inputs, label, logits));
    const ty = tf.sum(tf.mul(onehot, tf.softmax(zt)), 1);
    const sy = tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1);
    const keep = tf.logicalNot(tf.cast(onehot, 'bool'));
    const sHat = tf.logSoftmax(maskLogits(tf.div(logits, p.temperature), keep));
    const tHat = tf.softmax(maskLogits(tf.div(zt, p.temperature), keep));
    const non = tf.sum(tf.mul(tf.mul(tHat, sHat), tf.cast(keep, 'float32')), 1);
    const per = tf.mul(tf.sub(tf.neg(tf.mul(ty, sy)), tf.mul(non, p.gamma * p.temperature ** 2)), valid);
    return reduceLoss(per, reduction, { counts: valid, ...(weights ? { weights } : {}) });
  },
});
