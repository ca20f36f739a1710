import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { classWeightTensor, labelsOrProbs, logitsInput, oneHotF, sampleWeights } from './inputs.js';
import { reduceLoss } from './reduce.js';

export const crossEntropyParams = z.strictObject({
  labelSmoothing: z.number().min(0).max(1).default(0).describe('Label smoothing ε: the target becomes (1−ε)·onehot + ε/C (PyTorch `label_smoothing`).'),
  ignoreIndex: z.number().int().default(-100).describe('Samples whose class id equals this are ignored (zero loss, not counted in the mean); class-id labels only.'),
  classWeights: z.array(z.number().min(0)).nullable().default(null).describe('Per-class weights w_c (length C), PyTorch `weight`; null = all 1.'),
});

/**
 * Softmax cross-entropy, exactly `torch.nn.functional.cross_entropy` (1.13).
 *
 * Notation: logits `z [N, C]`, `log p = logSoftmax(z)`, class ids `y [N]` or
 * probabilities `t [N, C]`, class weights `w [C]` (1 by default), label
 * smoothing `ε`, kept samples `V = {i : y_i ≠ ignoreIndex}`.
 *
 * Class ids:
 *   `ℓ_i = (1−ε)·(−w_{y_i} log p_{i,y_i}) + (ε/C)·Σ_c (−w_c log p_{i,c})`  for `i ∈ V`, 0 otherwise;
 *   `mean = Σ_i ℓ_i / Σ_{i∈V} w_{y_i}`.
 * Probabilities: `t' = (1−ε)t + ε/C`, `ℓ_i = −Σ_c w_c t'_{i,c} log p_{i,c}`, `mean = Σ_i ℓ_i / N`.
 *
 * Optional `weights [N]` multiply `ℓ_i` and its count in the mean.
 *
 * Notes: PyTorch returns NaN for the mean of an empty or all-ignored batch;
 * this returns 0 (gradient 0). Class ids outside `[0, C)` other than
 * `ignoreIndex` are not checked (that would need a device read) and count as
 * zero loss. `ignoreIndex` does not apply to probability targets (as in PyTorch).
 *
 * @see https://pytorch.org/docs/1.13/generated/torch.nn.functional.cross_entropy.html
 * @see https://arxiv.org/abs/1512.00567 (label smoothing, Inception-v3)
 */
export const crossEntropy = defineLoss({
  name: 'cross-entropy',
  aliases: ['softmax-cross-entropy', 'ce'],
  summary: 'Softmax cross-entropy with label smoothing, class weights, ignored labels and probability targets (torch F.cross_entropy).',
  paper: { title: 'Rethinking the Inception Architecture for Computer Vision (label smoothing)', arxiv: '1512.00567', year: 2016 },
  io: { required: ['logits', 'labels'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: crossEntropyParams,
  compute(p, inputs, reduction, label) {
    const logits = logitsInput(inputs, label);
    const [n, c] = logits.shape;
    const target = labelsOrProbs(inputs, label, logits);
    const weights = sampleWeights(inputs, label, n);
    const cw = classWeightTensor(p.classWeights, c, label);
    const logp = tf.logSoftmax(logits);
    const eps = p.labelSmoothing;
    const weightedLogp = cw ? tf.mul(logp, cw) : logp;
    if (target.kind === 'probs') {
      const t = eps > 0 ? tf.add(tf.mul(target.labels, 1 - eps), eps / c) : target.labels;
      const per = tf.neg(tf.sum(tf.mul(t, weightedLogp), 1));
      return reduceLoss(per, reduction, weights ? { weights } : {});
    }
    const valid = tf.cast(tf.notEqual(target.labels, p.ignoreIndex), 'float32');
    const onehot = tf.mul(oneHotF(target.labels, c), tf.expandDims(valid, 1));
    const counts = cw ? tf.sum(tf.mul(onehot, cw), 1) : valid;
    let per = tf.neg(tf.sum(tf.mul(onehot, weightedLogp), 1));
    if (eps > 0) {
      const smooth = tf.mul(tf.neg(tf.sum(weightedLogp, 1)), valid);
      per = tf.add(tf.mul(per, 1 - eps), tf.mul(smooth, eps / c));
    }
    return reduceLoss(per, reduction, { counts, ...(weights ? { weights } : {}) });
  },
});
