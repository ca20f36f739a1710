import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, checkTensor, definePlugin, z, type Batch, type Callback, type TrainerContext } from '@tessera/core';
import { PACKAGE, detached } from './mining-utils.js';

/** `[N]` sequence negative log-likelihood `Σ_t CE(z_t, y_t)` (targets equal to `ignoreIndex` skipped), or `CE(z, y)` for `[N, C]` logits. */
export function sequenceNll(logits: tf.Tensor, labels: tf.Tensor, ignoreIndex: number): tf.Tensor {
  const c = logits.shape[logits.rank - 1]!;
  const y = tf.cast(labels, 'int32');
  const keep = tf.notEqual(y, ignoreIndex);
  const safe = tf.where(keep, y, tf.zerosLike(y));
  const picked = tf.sum(tf.mul(tf.oneHot(safe, c), logits), -1);
  const nll = tf.where(keep, tf.sub(tf.logSumExp(logits, -1), picked), tf.zerosLike(picked));
  return logits.rank === 3 ? tf.sum(nll, 1) : nll;
}

/**
 * CoLoR-Filter: conditional loss reduction selection, online form.
 *
 * Notation: a batch of `N` candidates, two frozen auxiliary models — a prior
 * model `θ_prior` and the same model fine-tuned on downstream data
 * `θ_cond` — with sequence negative log-likelihoods `L(x) = −Σ_t log p(y_t|…)`.
 * `score(x) = L_prior(x) − L_cond(x)`: how much more likely the conditional
 * model finds `x`. The `⌈N/τ⌉` candidates with the largest score are kept
 * (mask 1), the rest get weight 0. The target model's own loss is unused
 * (unlike RHO-LOSS).
 *
 * Inputs: the auxiliary models' logits in the batch fields (`priorLogits`,
 * `conditionalLogits` by default; give them as frozen models of the trainer,
 * with those output names), `[N, C]` with labels `[N]` or `[N, T, V]` with
 * token labels `[N, T]` (`ignoreIndex` skipped), and the labels (`batch.y`
 * or the `labels` field). Both scores use the same length reduction (sum),
 * so there is no length bias between them.
 *
 * Notes: the paper selects offline over a corpus (C4) with a pool of `τ·n`
 * per `n` kept; this is the online form the paper describes (draw `τ·b`,
 * keep `b`): use a batch size of `τ·b`. Ties keep the lower index.
 *
 * @see https://arxiv.org/abs/2406.10670
 */
export const colorFilter = definePlugin({
  kind: 'callback',
  name: 'color-filter',
  summary: 'CoLoR-Filter: keep the 1/τ of the batch with the largest L_prior − L_conditional from two frozen models.',
  paper: { title: 'CoLoR-Filter: Conditional Loss Reduction Filtering for Targeted Language Model Pre-training', arxiv: '2406.10670', year: 2024 },
  package: PACKAGE,
  params: z.strictObject({
    tau: z.number().min(1).max(1e4).default(4).describe('Selection ratio τ: keep ⌈N/τ⌉ of every batch of N (the paper sweeps up to 64).'),
    priorField: z.string().min(1).max(200).default('priorLogits').describe('Batch field holding the prior model\'s logits.'),
    conditionalField: z.string().min(1).max(200).default('conditionalLogits').describe('Batch field holding the conditional (fine-tuned) model\'s logits.'),
    ignoreIndex: z.number().int().min(-1e9).max(1e9).default(-100).describe('Token label skipped in the sequence likelihood (torch ignore_index).'),
  }),
  create: (p, manifest): Callback & { score(batch: Batch): tf.Tensor } => {
    const label = 'callback "color-filter"';
    const score = (batch: Batch): tf.Tensor => {
      const fields = batch.fields ?? {};
      const prior = checkTensor(fields[p.priorField], p.priorField, label, { rank: [2, 3], dtype: 'float32', describe: '[N, C] or [N, T, V] logits of the prior model' });
      const cond = checkTensor(fields[p.conditionalField], p.conditionalField, label, { rank: [2, 3], dtype: 'float32', describe: '[N, C] or [N, T, V] logits of the conditional model' });
      if (prior.rank !== cond.rank || prior.shape.some((d, i) => i < prior.rank - 1 && d !== cond.shape[i])) {
        throw new ShapeError(`${label}: ${p.priorField} [${prior.shape.join(', ')}] and ${p.conditionalField} [${cond.shape.join(', ')}] must agree on all but the last axis.`);
      }
      const y = checkTensor(batch.y ?? fields['labels'], 'labels', label, { rank: prior.rank - 1, describe: prior.rank === 3 ? '[N, T] token ids' : '[N] class ids' });
      return tf.tidy(() => tf.sub(sequenceNll(prior, y, p.ignoreIndex), sequenceNll(cond, y, p.ignoreIndex)));
    };
    return {
      manifest,
      score,
      reweight(_ctx: TrainerContext, perSample: tf.Tensor, batch: Batch): tf.Tensor {
        const n = perSample.shape[0]!;
        const k = Math.max(1, Math.ceil(n / p.tau));
        return detached([perSample], () => {
          const s = score(batch);
          const { indices } = tf.topk(s, Math.min(k, n), true);
          return tf.scatterND(tf.reshape(indices, [-1, 1]), tf.ones([Math.min(k, n)]), [n]);
        });
      },
    };
  },
});
