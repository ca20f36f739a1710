import * as tf from '@tensorflow/tfjs-core';
import { optionalInput, z, checkDim } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { logitsInput, sampleWeights } from './inputs.js';
import { reduceLoss } from './reduce.js';

/**
 * Auxiliary z-loss (PaLM; Wortsman et al.): keeps the log-partition function near 0.
 *
 * Notation: logits `z [N, C]`, `log Z_i = logSumExp_c z_{i,c}`, coefficient `c_z`.
 * `ℓ_i = c_z·(log Z_i)²`; `mean` over kept samples (optional class-id `labels`
 * equal to `ignoreIndex` are masked, as in apple/ml-cross-entropy's
 * `compute_z_loss`). A regularizer: the trainer adds `weight × z-loss`; with
 * the default `coefficient` 1e-4 a weight of 1 gives the papers' value.
 *
 * @see https://arxiv.org/abs/2309.14322 (Small-scale proxies for large-scale Transformer training instabilities)
 * @see https://arxiv.org/abs/2204.02311 (PaLM)
 */
export const zLoss = defineLoss({
  kind: 'regularizer',
  name: 'z-loss',
  summary: 'Auxiliary z-loss coefficient·logsumexp(logits)² keeping the softmax normaliser near 1.',
  paper: { title: 'Small-scale proxies for large-scale Transformer training instabilities', arxiv: '2309.14322', year: 2023 },
  io: { required: ['logits'], optional: ['labels', 'weights'], output: 'logits' },
  params: z.strictObject({
    coefficient: z.number().min(0).max(1e3).default(1e-4).describe('Coefficient c_z of logsumexp² (1e-4 in PaLM and Wortsman et al.).'),
    ignoreIndex: z.number().int().default(-100).describe('With class-id labels given, samples whose label equals this are masked.'),
  }),
  compute(p, inputs, reduction, label) {
    const logits = logitsInput(inputs, label);
    const n = logits.shape[0];
    const labels = optionalInput(inputs, 'labels', label, { rank: [1, 2], describe: '[N] int32 (for ignoreIndex masking)' });
    const weights = sampleWeights(inputs, label, n);
    let valid: tf.Tensor | undefined;
    if (labels && labels.rank === 1) {
      checkDim(labels, 0, n, 'labels', 'N', label);
      valid = tf.cast(tf.notEqual(labels, p.ignoreIndex), 'float32');
    }
    const lse = tf.logSumExp(logits, 1);
    let per = tf.mul(tf.square(lse), p.coefficient);
    if (valid) per = tf.mul(per, valid);
    return reduceLoss(per, reduction, { ...(valid ? { counts: valid } : {}), ...(weights ? { weights } : {}) });
  },
});
