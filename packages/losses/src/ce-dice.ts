import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { diceParams, diceTerm, segmentationInputs } from './dice.js';
import { sampleWeights } from './inputs.js';
import { reduceLoss } from './reduce.js';

/**
 * Cross-entropy + soft Dice (MONAI `DiceCELoss`), the strong baseline of TopoMortar.
 *
 * Notation as in `dice`; `CE_i` = mean over the pixels of image i of `−log p_{y}`.
 * `ℓ_i = λ_CE·CE_i + λ_Dice·Dice_i`; `mean` over images (equal to MONAI's mean over all pixels for CE).
 *
 * @see https://docs.monai.io/en/stable/losses.html#diceceloss (MONAI DiceCELoss)
 */
export const ceDice = defineLoss({
  name: 'ce-dice',
  aliases: ['dice-ce'],
  summary: 'Cross-entropy plus soft Dice for segmentation (MONAI DiceCELoss).',
  paper: { title: 'TopoMortar: A dataset to evaluate image segmentation methods focused on topology accuracy', year: 2025 },
  io: { required: ['logits', 'labels'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: z.strictObject({
    ...diceParams,
    lambdaCe: z.number().min(0).max(1e3).default(1).describe('Weight of the cross-entropy term.'),
    lambdaDice: z.number().min(0).max(1e3).default(1).describe('Weight of the Dice term.'),
  }),
  compute(p, inputs, reduction, label) {
    const { z3, onehot, n } = segmentationInputs(inputs, label);
    const weights = sampleWeights(inputs, label, n);
    const logp = tf.logSoftmax(z3);
    const ce = tf.neg(tf.mean(tf.sum(tf.mul(onehot, logp), 2), 1));
    const per = tf.add(tf.mul(ce, p.lambdaCe), tf.mul(diceTerm(tf.exp(logp), onehot, p.smooth, p.includeBackground), p.lambdaDice));
    return reduceLoss(per, reduction, weights ? { weights } : {});
  },
});
