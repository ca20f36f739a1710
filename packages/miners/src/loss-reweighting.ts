import * as tf from '@tensorflow/tfjs-core';
import { checkTensor, definePlugin, z, type Callback, type TrainerContext } from '@tessera/core';
import { PACKAGE, detached } from './mining-utils.js';

/**
 * Per-sample weights from per-sample losses, through the trainer's
 * `reweight` hook (the step's loss becomes `Σ wᵢℓᵢ / Σ wᵢ`; a step whose
 * weights sum to 0 is skipped).
 *
 * Notation: per-sample losses `ℓ_i` (detached), batch size `N`.
 * - `softmax` (ABSGD, attentional-biased SGD / KL-DRO): `w_i = N·softmax(ℓ/λ)_i`;
 *   `λ → ∞` gives uniform weights, small `λ` focuses on the hardest samples.
 * - `ohem` (online hard example mining): `w_i = 1` for the `⌈keepRatio·N⌉`
 *   largest losses, else 0.
 * - `self-paced` (curriculum, Kumar et al. 2010): `w_i = 1[ℓ_i < λ_e]`, with the
 *   age `λ_e = threshold·growth^e` growing every epoch `e` so harder samples enter.
 *
 * Weights are computed outside the gradient tape. Notes: ABSGD normalises
 * its weights by a running average of `Σ exp(ℓ/λ)` across batches; the
 * trainer's `Σwℓ/Σw` makes any per-batch scale irrelevant, so the
 * in-batch softmax is the same step.
 *
 * @see https://arxiv.org/abs/2012.06951 (ABSGD)
 * @see https://arxiv.org/abs/1604.03540 (OHEM)
 */
export const lossReweighting = definePlugin({
  kind: 'callback',
  name: 'loss-reweighting',
  aliases: ['absgd', 'ohem', 'self-paced'],
  summary: 'Per-sample weights or masks from the per-sample losses: softmax (ABSGD), top-k hard examples (OHEM) or self-paced.',
  paper: { title: 'Attentional-Biased Stochastic Gradient Descent', arxiv: '2012.06951', year: 2020 },
  package: PACKAGE,
  params: z.strictObject({
    mode: z.enum(['softmax', 'ohem', 'self-paced']).default('softmax').describe('softmax: w ∝ exp(ℓ/λ) (ABSGD); ohem: keep the hardest keepRatio; self-paced: keep ℓ < λ_e.'),
    temperature: z.number().positive().max(1e6).default(1).describe('λ of the softmax mode (ABSGD; larger is closer to uniform).'),
    keepRatio: z.number().gt(0).max(1).default(0.5).describe('Fraction of the batch kept by ohem (the largest losses).'),
    threshold: z.number().positive().max(1e6).default(1).describe('Initial loss threshold λ_0 of self-paced learning.'),
    growth: z.number().min(1).max(100).default(1.1).describe('Factor by which the self-paced threshold grows each epoch.'),
  }),
  create: (p, manifest): Callback => ({
    manifest,
    reweight(ctx: TrainerContext, perSample: tf.Tensor): tf.Tensor {
      checkTensor(perSample, 'perSample', 'callback "loss-reweighting"', { rank: 1, describe: '[N] per-sample losses' });
      const n = perSample.shape[0]!;
      return detached([perSample], (l) => {
        if (p.mode === 'softmax') return tf.mul(tf.softmax(tf.div(l!, p.temperature)), n);
        if (p.mode === 'ohem') {
          const k = Math.min(n, Math.ceil(p.keepRatio * n));
          if (k === 0) return tf.zerosLike(l!);
          const { indices } = tf.topk(l!, k, true);
          return tf.scatterND(tf.reshape(indices, [k, 1]), tf.ones([k]), [n]);
        }
        const lambda = p.threshold * p.growth ** ctx.epoch;
        return tf.cast(tf.less(l!, lambda), 'float32');
      });
    },
  }),
});
