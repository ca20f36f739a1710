import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { logitsInput } from './inputs.js';
import { reduceLoss } from './reduce.js';

/**
 * Negative marginal entropy (diversity term of information maximisation, TFUP-T, SHOT).
 *
 * Notation: `p_i = softmax(z_i)`, batch marginal `p̄ = (1/N)Σ_i p_i`, computed
 * in log space as `log p̄_c = logSumExp_i(log p_{i,c}) − log N` (no epsilon needed).
 * The batch value is `−H(p̄) = Σ_c p̄_c log p̄_c`; minimising it spreads predictions over classes.
 * Batch-level: `none` returns each sample's share `Σ_c p_{i,c} log p̄_c`
 * (their mean is `−H(p̄)`); `sum` = N·(−H(p̄)). Depends on batch size (N = 1 gives `−H(p_1)`).
 *
 * @see https://arxiv.org/abs/2002.08546 (SHOT: information maximisation)
 */
export const marginalEntropy = defineLoss({
  kind: 'regularizer',
  name: 'marginal-entropy',
  summary: 'Negative entropy of the batch-mean prediction −H(mean_i softmax(z_i)), a diversity regularizer.',
  paper: { title: 'Do We Really Need to Access the Source Data? Source Hypothesis Transfer for Unsupervised Domain Adaptation', arxiv: '2002.08546', year: 2020 },
  io: { required: ['logits'], optional: [], output: 'logits' },
  params: z.strictObject({}),
  compute(_p, inputs, reduction, label) {
    const logits = logitsInput(inputs, label);
    const n = logits.shape[0];
    if (n === 0) return reduceLoss(tf.zeros([0]), reduction);
    const logp = tf.logSoftmax(logits);
    const logBar = tf.sub(tf.logSumExp(logp, 0, true), Math.log(n));
    const per = tf.sum(tf.mul(tf.exp(logp), logBar), 1);
    return reduceLoss(per, reduction);
  },
});
