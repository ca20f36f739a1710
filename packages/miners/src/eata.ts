import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, definePlugin, z, type Batch, type Callback, type TrainerContext } from '@tessera/core';
import { PACKAGE, detached } from './mining-utils.js';

/**
 * EATA's sample selection for test-time adaptation, as a reweighter.
 *
 * Notation: logits `z_i [C]` of the batch, probabilities `p_i = softmax(z_i)`,
 * entropy `E_i = −Σ p_i log p_i`, entropy margin `E0` (default `0.4·ln C`),
 * redundancy margin `ε`, moving average `p̄` of the kept samples' mean
 * probability.
 * 1. Reliability: keep `E_i < E0`.
 * 2. Redundancy (once `p̄` exists): keep `|cos(p̄, p_i)| < ε`.
 * 3. `w_i = exp(E0 − E_i)` for kept samples, 0 otherwise (EATA's
 *    `coeff = 1/exp(E − e_margin)`), detached.
 * 4. `p̄ ← mean(p_kept)` on the first batch, then `p̄ ← 0.9·p̄ + 0.1·mean(p_kept)`
 *    (unchanged when nothing is kept). A batch with nothing kept is skipped.
 * Use it with an entropy loss for EATA itself, or with any loss for
 * EATA-style selection. `p̄` is saved in checkpoints.
 *
 * Notes: the trainer's `reweight` hook does not receive the model's outputs,
 * so the logits are recomputed with one extra forward pass outside the
 * gradient tape (`training: false`; the model output, or its `logits`
 * field). The trainer normalises by `Σ wᵢ` where EATA divides `Σ wᵢEᵢ` by
 * the number of kept samples: the step differs by the factor
 * `Σ wᵢ / |kept|` (a per-batch learning-rate scale). The Fisher
 * anti-forgetting regularizer is not part of this callback.
 *
 * @see https://arxiv.org/abs/2204.02610
 */
export const eata = definePlugin({
  kind: 'callback',
  name: 'eata',
  summary: 'EATA selection: keep reliable (low-entropy), non-redundant samples, weighted by exp(E0 − E) (test-time adaptation).',
  paper: { title: 'Efficient Test-Time Model Adaptation without Forgetting', arxiv: '2204.02610', year: 2022 },
  package: PACKAGE,
  params: z.strictObject({
    entropyMargin: z.number().positive().max(100).nullable().default(null).describe('E0; null: 0.4·ln C from the number of classes (EATA paper; its code uses ln(1000)·0.40).'),
    dMargin: z.number().min(0).max(1).default(0.05).describe('Redundancy margin ε on |cos(p̄, p_i)| (EATA d_margin 0.05).'),
    momentum: z.number().min(0).max(1).default(0.9).describe('Weight of the old p̄ in its moving average (EATA 0.9).'),
  }),
  create: (p, manifest): Callback & { weights(logits: tf.Tensor): tf.Tensor; readonly probs: tf.Tensor | undefined } => {
    const label = 'callback "eata"';
    let probs: tf.Tensor | undefined;
    /** `[N]` weights of a batch of logits; updates p̄. */
    const weights = (logits: tf.Tensor): tf.Tensor => {
      if (logits.rank !== 2) throw new ShapeError(`${label}: the model output must be logits [N, C]; got shape [${logits.shape.join(', ')}].`);
      const c = logits.shape[1]!;
      const e0 = p.entropyMargin ?? 0.4 * Math.log(c);
      const [w, next] = tf.tidy(() => {
        const logp = tf.logSoftmax(logits);
        const pr = tf.exp(logp);
        const ent = tf.neg(tf.sum(tf.mul(pr, logp), 1));
        let keep = tf.less(ent, e0);
        // p̄ is NaN until a batch keeps a sample (EATA's None): then the redundancy filter is off.
        const undef = probs ? tf.any(tf.isNaN(probs)) : tf.scalar(true);
        if (probs) {
          const unit = (x: tf.Tensor) => tf.div(x, tf.maximum(tf.norm(x, 2, -1, true), 1e-8));
          const cos = tf.sum(tf.mul(unit(pr), unit(tf.expandDims(probs, 0))), 1);
          keep = tf.logicalAnd(keep, tf.logicalOr(tf.less(tf.abs(cos), p.dMargin), undef));
        }
        const k = tf.cast(keep, 'float32');
        const count = tf.sum(k);
        const mean = tf.div(tf.sum(tf.mul(pr, tf.expandDims(k, 1)), 0), tf.maximum(count, 1));
        const any = tf.greater(count, 0);
        const old = probs ?? tf.fill([c], Number.NaN);
        const mixed = tf.where(undef, mean, tf.add(tf.mul(old, p.momentum), tf.mul(mean, 1 - p.momentum)));
        const updated = tf.where(any, mixed, old);
        return [tf.mul(k, tf.exp(tf.sub(e0, ent))), updated];
      });
      probs?.dispose();
      // NaN marks "still undefined" (nothing kept yet) without a host read.
      probs = tf.keep(next);
      return w;
    };
    return {
      manifest,
      stateKey: 'callback:eata',
      weights,
      get probs() {
        return probs;
      },
      reweight(ctx: TrainerContext, perSample: tf.Tensor, batch: Batch): tf.Tensor {
        return detached([perSample], () => {
          const out = ctx.model.forward(batch.x, { training: false });
          const logits = out instanceof tf.Tensor ? out : out['logits'];
          if (!logits) throw new ShapeError(`${label}: the model output has no logits field.`);
          return weights(logits);
        });
      },
      getState: (): Record<string, tf.Tensor> => (probs ? { probs } : {}),
      setState(state) {
        if (!state['probs']) return;
        probs?.dispose();
        probs = tf.keep(tf.clone(state['probs']));
      },
    };
  },
});
