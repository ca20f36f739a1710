import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { logitsInput, sampleWeights } from './inputs.js';
import { reduceLoss } from './reduce.js';
import { entropyFromLogProbs } from './softmax-utils.js';

/**
 * Confidence penalty (Pereyra et al. 2017): penalises low-entropy (over-confident) outputs.
 *
 * Notation: `H_i = H(softmax(z_i))`, threshold `Γ`.
 * `ℓ_i = −H_i` (threshold null), or the hinge `max(0, Γ − H_i)` (only outputs
 * below Γ nats are penalised). The paper's `β` is the weight the trainer
 * gives the regularizer (`CE − β·H`).
 *
 * @see https://arxiv.org/abs/1701.06548
 */
export const confidencePenalty = defineLoss({
  kind: 'regularizer',
  name: 'confidence-penalty',
  summary: 'Confidence penalty −H(softmax(z)) (or hinge max(0, Γ − H)) against over-confident outputs.',
  paper: { title: 'Regularizing Neural Networks by Penalizing Confident Output Distributions', arxiv: '1701.06548', year: 2017 },
  io: { required: ['logits'], optional: ['weights'], output: 'logits' },
  params: z.strictObject({
    threshold: z.number().min(0).max(100).nullable().default(null).describe('Entropy threshold Γ (nats) of the hinge form; null = plain −H.'),
  }),
  compute(p, inputs, reduction, label) {
    const logits = logitsInput(inputs, label);
    const weights = sampleWeights(inputs, label, logits.shape[0]);
    const h = entropyFromLogProbs(tf.logSoftmax(logits));
    const per = p.threshold === null ? tf.neg(h) : tf.relu(tf.sub(p.threshold, h));
    return reduceLoss(per, reduction, weights ? { weights } : {});
  },
});
