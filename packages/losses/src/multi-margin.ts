import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { classIdInputs, classWeightTensor, zIgnoreIndex } from './inputs.js';
import { reduceLoss } from './reduce.js';

/**
 * Multi-class hinge loss, `torch.nn.functional.multi_margin_loss` (Weston–Watkins form).
 *
 * Notation: logits `z [N, C]`, class ids `y`, margin `m`, power `p ∈ {1, 2}`, class weights `w`.
 * `ℓ_i = w_y·(1/C)·Σ_{k≠y} max(0, m − z_y + z_k)^p` (PyTorch divides by C, the
 * class count, and applies `w_y` after the power). `mean` divides by the kept samples.
 * `p = 2` is the squared (L2-SVM) multi-class hinge.
 *
 * @see https://pytorch.org/docs/1.13/generated/torch.nn.MultiMarginLoss.html
 * @see https://arxiv.org/abs/1709.03082 (GRU-SVM)
 */
export const multiMargin = defineLoss({
  name: 'multi-margin',
  aliases: ['multiclass-hinge', 'hinge'],
  summary: 'Multi-class hinge loss (torch F.multi_margin_loss), p 1 or 2.',
  paper: { title: 'A Neural Network Architecture Combining Gated Recurrent Unit (GRU) and Support Vector Machine (SVM) for Intrusion Detection', arxiv: '1709.03082', year: 2017 },
  io: { required: ['logits', 'labels'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: z.strictObject({
    p: z.union([z.literal(1), z.literal(2)]).default(1).describe('Power of the hinge: 1 (hinge) or 2 (squared hinge).'),
    margin: z.number().min(0).max(1e4).default(1).describe('Margin m.'),
    classWeights: z.array(z.number().min(0)).nullable().default(null).describe('Per-class weights w_c applied by the target class (PyTorch `weight`); null = 1.'),
    ignoreIndex: zIgnoreIndex(),
  }),
  compute(p, inputs, reduction, label) {
    const { logits, onehot, valid, weights, c } = classIdInputs(inputs, label, p.ignoreIndex);
    const zy = tf.sum(tf.mul(onehot, logits), 1, true);
    let h = tf.relu(tf.add(tf.sub(logits, zy), p.margin));
    if (p.p === 2) h = tf.square(h);
    let per = tf.div(tf.sum(tf.mul(h, tf.sub(1, onehot)), 1), c);
    const cw = classWeightTensor(p.classWeights, c, label);
    if (cw) per = tf.mul(per, tf.sum(tf.mul(onehot, cw), 1));
    per = tf.mul(per, valid);
    return reduceLoss(per, reduction, { counts: valid, ...(weights ? { weights } : {}) });
  },
});
