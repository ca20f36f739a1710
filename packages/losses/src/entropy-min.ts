import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { logitsInput, sampleWeights } from './inputs.js';
import { reduceLoss } from './reduce.js';
import * as tf from '@tensorflow/tfjs-core';
import { entropyFromLogProbs } from './softmax-utils.js';

/**
 * Entropy minimisation (TENT; source-free adaptation): `ℓ_i = H(p_i) = −Σ_c p_c log p_c`
 * with `log p = logSoftmax(z)`; `mean` over samples (over pixels for segmentation: flatten to `[N·H·W, C]`).
 * A regularizer: the trainer adds `weight × entropy-min`.
 *
 * @see https://arxiv.org/abs/2006.10726 (TENT)
 */
export const entropyMin = defineLoss({
  kind: 'regularizer',
  name: 'entropy-min',
  aliases: ['entropy'],
  summary: 'Prediction entropy H(softmax(z)) per sample, minimised for test-time / source-free adaptation.',
  paper: { title: 'Tent: Fully Test-time Adaptation by Entropy Minimization', arxiv: '2006.10726', year: 2021 },
  io: { required: ['logits'], optional: ['weights'], output: 'logits' },
  params: z.strictObject({}),
  compute(_p, inputs, reduction, label) {
    const logits = logitsInput(inputs, label);
    const weights = sampleWeights(inputs, label, logits.shape[0]);
    return reduceLoss(entropyFromLogProbs(tf.logSoftmax(logits)), reduction, weights ? { weights } : {});
  },
});
