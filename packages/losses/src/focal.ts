import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { classTargets, classWeightTensor, logitsInput, sampleWeights } from './inputs.js';
import { reduceLoss } from './reduce.js';
import { oneMinusExp, safePow } from './softmax-utils.js';

export const focalParams = {
  gamma: z.number().min(0).max(100).default(2).describe('Focusing parameter γ: the weight (1 − p)^γ down-weights easy samples; 0 gives cross-entropy.'),
  alpha: z.union([z.number().min(0), z.array(z.number().min(0))]).nullable().default(null)
    .describe('Balancing weight: one number for every class (kornia-style α), or one per class α_c (length C); null = 1.'),
  ignoreIndex: z.number().int().default(-100).describe('Samples whose class id equals this are ignored (class-id labels only).'),
};

/** Per-sample softmax focal term `Σ_c α_c t_c (1 − p_c)^γ (−log p_c)` and helpers shared with poly1-focal. */
export function focalTerms(logits: tf.Tensor2D, target: tf.Tensor2D, gamma: number, alpha?: tf.Tensor1D | number) {
  const logp = tf.logSoftmax(logits);
  const oneMinusP = oneMinusExp(logp);
  let w = tf.mul(target, safePow(oneMinusP, gamma));
  if (alpha !== undefined) w = tf.mul(w, alpha);
  return { logp, oneMinusP, focal: tf.neg(tf.sum(tf.mul(w, logp), 1)) };
}

/**
 * Multi-class (softmax) focal loss.
 *
 * Notation: logits `z [N, C]`, `p = softmax(z)`, class ids `y` (or
 * probabilities `t [N, C]`), focusing `γ`, class weights `α` (one number scales every class).
 * `ℓ_i = −α_y (1 − p_y)^γ log p_y` (probabilities: `−Σ_c α_c t_c (1 − p_c)^γ log p_c`).
 * `mean` divides by the number of kept samples (α does not enter the
 * normaliser, unlike cross-entropy's class weights). `1 − p` is computed as
 * `−expm1(log p)`; γ = 0 gives cross-entropy.
 *
 * The paper's detector form is the sigmoid (one-vs-all) focal loss with scalar
 * α = 0.25; this is the softmax form used for classification (as in
 * `kornia.losses.focal_loss` without its default α, and Keras
 * `CategoricalFocalCrossentropy` with α per class).
 *
 * @see https://arxiv.org/abs/1708.02002
 */
export const focal = defineLoss({
  name: 'focal',
  aliases: ['focal-loss'],
  summary: 'Softmax focal loss −α_y(1−p_y)^γ log p_y for class imbalance (gamma 2).',
  paper: { title: 'Focal Loss for Dense Object Detection', arxiv: '1708.02002', year: 2017 },
  io: { required: ['logits', 'labels'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: z.strictObject(focalParams),
  compute(p, inputs, reduction, label) {
    const logits = logitsInput(inputs, label);
    const { target, valid } = classTargets(inputs, label, logits, p.ignoreIndex);
    const weights = sampleWeights(inputs, label, logits.shape[0]);
    const alpha = typeof p.alpha === 'number' ? p.alpha : classWeightTensor(p.alpha, logits.shape[1], label, 'alpha');
    const { focal: per } = focalTerms(logits, target, p.gamma, alpha);
    return reduceLoss(per, reduction, { counts: valid, ...(weights ? { weights } : {}) });
  },
});
