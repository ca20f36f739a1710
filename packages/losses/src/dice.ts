import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, requireInput, z, type LossInputs } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { sampleWeights } from './inputs.js';
import { reduceLoss } from './reduce.js';

export const diceParams = {
  smooth: z.number().min(0).max(1e3).default(1e-5).describe('Smoothing s added to numerator and denominator (MONAI smooth_nr = smooth_dr = 1e-5).'),
  includeBackground: z.boolean().default(true).describe('Include class 0 in the mean over classes.'),
};

/** Segmentation logits `[N, ..., C]` (channels last) and class ids `[N, ...]`, flattened to `[N, S, C]` and one-hot `[N, S, C]`. */
export function segmentationInputs(inputs: LossInputs, label: string) {
  const logits = requireInput(inputs, 'logits', label, { rank: [2, 3, 4, 5], dtype: 'float32', describe: '[N, ..., C] float32 (channels last)' });
  const labels = requireInput(inputs, 'labels', label, { dtype: 'int32', describe: '[N, ...] int32 class ids (logits without the channel axis)' });
  const spatial = logits.shape.slice(0, -1);
  if (labels.rank !== logits.rank - 1 || labels.shape.some((d, i) => d !== spatial[i])) {
    throw new ShapeError(`${label}: labels must have shape [${spatial.join(', ')}] (logits without the channel axis); got [${labels.shape.join(', ')}].`);
  }
  const n = logits.shape[0]!;
  const c = logits.shape[logits.rank - 1]!;
  const s = spatial.slice(1).reduce((a, b) => a * b, 1);
  const z3 = tf.reshape(logits, [n, s, c]);
  const onehot = tf.cast(tf.oneHot(tf.reshape(labels, [n * s]), c), 'float32');
  return { z3, onehot: tf.reshape(onehot, [n, s, c]), n, c, s };
}

/** Per-sample soft Dice loss `1 − mean_c (2Σp·g + s)/(Σp + Σg + s)` from `[N, S, C]` tensors. */
export function diceTerm(probs: tf.Tensor, onehot: tf.Tensor, smooth: number, includeBackground: boolean): tf.Tensor {
  const inter = tf.sum(tf.mul(probs, onehot), 1);
  const total = tf.add(tf.sum(probs, 1), tf.sum(onehot, 1));
  let dice = tf.div(tf.add(tf.mul(inter, 2), smooth), tf.add(total, smooth));
  if (!includeBackground) dice = tf.slice(dice, [0, 1], [-1, -1]);
  return tf.sub(1, tf.mean(dice, 1));
}

/**
 * Soft Dice loss (Milletari et al. 2016), per image as MONAI `DiceLoss(softmax=True)`.
 *
 * Notation: logits `z [N, ..., C]` (channels last, tfjs layout), `p = softmax(z)`
 * over the channels, one-hot targets `g`, spatial sums `Σ` per image and class.
 * `ℓ_i = 1 − (1/C)·Σ_c (2Σ p·g + s)/(Σ p + Σ g + s)`. A class absent from an image
 * (Σg = 0) contributes `s/(Σp + s)` ≈ 0 Dice, i.e. it is penalised unless also not predicted (MONAI's behaviour).
 *
 * @see https://arxiv.org/abs/1606.04797 (V-Net)
 */
export const dice = defineLoss({
  name: 'dice',
  aliases: ['soft-dice'],
  summary: 'Soft Dice loss 1 − mean_c (2Σpg + s)/(Σp + Σg + s) per image, softmax over channels-last logits.',
  paper: { title: 'V-Net: Fully Convolutional Neural Networks for Volumetric Medical Image Segmentation', arxiv: '1606.04797', year: 2016 },
  io: { required: ['logits', 'labels'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: z.strictObject(diceParams),
  compute(p, inputs, reduction, label) {
    const { z3, onehot, n } = segmentationInputs(inputs, label);
    const weights = sampleWeights(inputs, label, n);
    const per = diceTerm(tf.softmax(z3), onehot, p.smooth, p.includeBackground);
    return reduceLoss(per, reduction, weights ? { weights } : {});
  },
});
