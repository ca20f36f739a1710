import * as tf from '@tensorflow/tfjs-core';
import { checkDim, definePlugin, requireInput, z, type Loss, type Stateful } from '@tessera/core';
import { PACKAGE } from './define-loss.js';
import { classIdInputs, zIgnoreIndex } from './inputs.js';
import { reduceLoss, reductionOf } from './reduce.js';
import { SampleState } from './stateful.js';
import { detached } from './stop-gradient.js';

/**
 * Bias loss (Abrahamyan et al. 2021): cross-entropy re-weighted by the
 * variance of each sample's features, as in the official code (`BiasLoss`).
 *
 * Notation: `features [N, ...]` (e.g. the last convolutional map), per-sample
 * unbiased variance `v_i` of the flattened features (detached), running
 * global minimum `m` (state, initial 1e5 as the code's `GLOBAL_MIN`,
 * `m ← min(m, min_i v_i)` each call), `v̂_i = (v_i − m)/(max_i v_i − min_i v_i)`.
 * `ℓ_i = w_i·CE(z_i, y_i)`, `w_i = exp(β·v̂_i) − 1 + α` (code); the paper
 * writes `z(v) = exp(α·v) − β` — the code is followed (they differ by a constant at α = β).
 * When all variances of a batch are equal (N = 1) the range is taken as 1
 * (the code divides by 0); the exponent is capped at 80. The minimum is
 * saved and restored with checkpoints (`Stateful`, key `loss:bias-loss`).
 *
 * @see https://arxiv.org/abs/2107.11170
 */
export const biasLoss = definePlugin({
  kind: 'loss',
  name: 'bias-loss',
  summary: 'Bias loss: cross-entropy weighted by exp(β·normalised feature variance) − 1 + α, with a running global minimum.',
  paper: { title: 'Bias Loss for Mobile Neural Networks', arxiv: '2107.11170', year: 2021 },
  package: PACKAGE,
  io: { required: ['logits', 'labels', 'features'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: z.strictObject({
    alpha: z.number().min(0).max(100).default(0.3).describe('Offset α of the weight exp(β v̂) − 1 + α (official 0.3).'),
    beta: z.number().min(0).max(100).default(0.3).describe('Scale β of the normalised variance (official 0.3).'),
    ignoreIndex: zIgnoreIndex(),
  }),
  create: (p, manifest): Loss & Stateful & { dispose(): void } => {
    const label = `loss "${manifest.name}"`;
    const state = new SampleState('loss:bias-loss', 1, { globalMin: 1e5 });
    return {
      manifest,
      ...state.members(),
      compute(inputs, opts) {
        const reduction = reductionOf(opts, label);
        return tf.tidy(() => {
          const { logits, onehot, valid, weights, n } = classIdInputs(inputs, label, p.ignoreIndex);
          const feats = requireInput(inputs, 'features', label, { rank: [2, 3, 4, 5], dtype: 'float32', describe: '[N, ...] float32 features' });
          checkDim(feats, 0, n, 'features', 'N', label);
          const ce = tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1));
          if (n === 0) return reduceLoss(tf.zeros([0]), reduction);
          const d = feats.size / n;
          const flat = tf.reshape(feats, [n, d]);
          const gmin = state.get('globalMin');
          const out = detached(flat, (f) => {
            const mean = tf.mean(f, 1, true);
            const v = tf.div(tf.sum(tf.square(tf.sub(f, mean)), 1), Math.max(d - 1, 1));
            const lo = tf.min(v);
            const hi = tf.max(v);
            const newMin = tf.minimum(tf.reshape(gmin, []), lo);
            const range = tf.sub(hi, lo);
            const vhat = tf.div(tf.sub(v, newMin), tf.where(tf.greater(range, 0), range, tf.onesLike(range)));
            const w = tf.add(tf.sub(tf.exp(tf.minimum(tf.mul(vhat, p.beta), 80)), 1), p.alpha);
            return tf.concat([w, tf.reshape(newMin, [1])]);
          });
          state.replace('globalMin', tf.slice(out, [n], [1]));
          const w = tf.slice(out, [0], [n]);
          return reduceLoss(tf.mul(tf.mul(w, ce), valid), reduction, { counts: valid, ...(weights ? { weights } : {}) });
        });
      },
    };
  },
});
