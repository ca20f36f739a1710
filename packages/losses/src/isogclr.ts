import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, ShapeError, z, type Loss, type Stateful } from '@tessera/core';
import { l2Normalize, pairInputs } from './contrastive-utils.js';
import { PACKAGE } from './define-loss.js';
import { sampleWeights } from './inputs.js';
import { reduceLoss, reductionOf } from './reduce.js';
import { SampleState, sampleIdsInput, zNumSamples } from './stateful.js';
import { detached } from './stop-gradient.js';

export const isogclrParams = z.strictObject({
  temperature: z.number().positive().max(10).default(0.1).describe('Initial (iSogCLR) or fixed (SogCLR) temperature τ (LibAUC GCLoss_v1 default 0.1).'),
  gamma: z.number().min(0).max(1).default(0.9).describe('Moving-average weight γ of the per-sample estimator u_i.'),
  learnTemperature: z.boolean().default(true).describe('iSogCLR: learn a temperature per sample (false gives SogCLR with fixed τ).'),
  rho: z.number().min(0).max(100).default(0.3).describe('iSogCLR ρ (DRO radius; recommended 0.1–0.5 for unimodal tasks).'),
  eta: z.number().min(0).max(10).default(0.01).describe('iSogCLR step size η of the temperature update.'),
  beta: z.number().min(0).max(1).default(0.9).describe('iSogCLR momentum β of the temperature gradient.'),
  tauMin: z.number().positive().max(10).default(0.05).describe('Lower clamp of the learned temperatures.'),
  tauMax: z.number().positive().max(10).default(0.7).describe('Upper clamp of the learned temperatures.'),
  eps: z.number().positive().max(1).default(1e-8).describe('Lower clamp of u_i in the weights.'),
  numSamples: zNumSamples(),
});

/**
 * iSogCLR / SogCLR (Qiu et al. 2023; Yuan et al. 2022): global contrastive
 * loss with per-sample moving-average estimators, LibAUC `GCLoss_v1` (unimodal).
 *
 * Notation: two views `h¹ = normalize(embeddings)`, `h² = normalize(positives)`
 * `[B, D]`, rows of `L¹ = [h¹h²ᵀ, h¹h¹ᵀ]` (self-similarity masked by −1e9),
 * `L² = [h²h¹ᵀ, h²h²ᵀ]`, negatives mask excludes the positive column,
 * per-sample state by `sampleIds`: `u_i`, `τ_i`, `g_i`.
 * `e¹_ij = exp(L¹_ij/τ_i)` on negatives; `u¹_i = (1−γ)u_i + γ·Σ_j e¹_ij/(2(B−1))`
 * (first visit: the batch estimate); `u_i ← (u¹_i + u²_i)/2`;
 * weights `w¹ = e¹/max(u¹, ε)` (detached);
 * `ℓ_i = −(L¹_ii⁺ − Σ_j w¹_ij L¹_ij/(2(B−1))) − (L²_ii⁺ − Σ_j w²_ij L²_ij/(2(B−1)))`
 * — a surrogate whose gradient is the algorithm's (its value is not the objective).
 * iSogCLR then updates `g_i ← (1−β)g_i + β·½Σ_{a}(log u^a_i + ρ − Σ_j w^a_ij L^a_ij/τ_i/(2(B−1)))`,
 * `τ_i ← clip(τ_i − η g_i, τ_min, τ_max)`.
 *
 * Differences from the code: LibAUC indexes `tau[:, None]` on an already
 * `[B, 1]` tensor (broadcasting to `[B, B, 2B]`); the per-anchor τ_i of the
 * paper is used. LibAUC initialises u for the whole batch when all its u are 0;
 * here each sample's u is initialised on its first visit (same when a batch is
 * all-new or all-seen). Needs B ≥ 2. Every call updates the state.
 *
 * @see https://arxiv.org/abs/2305.11965
 * @see https://arxiv.org/abs/2202.12387 (SogCLR)
 */
export const isogclr = definePlugin({
  kind: 'loss',
  name: 'isogclr',
  aliases: ['sogclr'],
  summary: 'iSogCLR global contrastive loss with per-sample temperatures and estimators kept by sample id (LibAUC GCLoss_v1).',
  paper: { title: 'Not All Semantics are Created Equal: Contrastive Self-supervised Learning with Automatic Temperature Individualization', arxiv: '2305.11965', year: 2023 },
  package: PACKAGE,
  io: { required: ['embeddings', 'positives', 'sampleIds'], optional: ['weights'], output: 'embeddings' },
  params: isogclrParams,
  create: (p, manifest): Loss & Stateful & { dispose(): void } => {
    const label = `loss "${manifest.name}"`;
    const state = new SampleState('loss:isogclr', p.numSamples, { u: 0, tau: p.temperature, gradTau: 0 });
    return {
      manifest,
      ...state.members(),
      compute(inputs, opts) {
        const reduction = reductionOf(opts, label);
        return tf.tidy(() => {
          const { a, p: pos, n } = pairInputs(inputs, label, { negatives: 'none' });
          const ids = sampleIdsInput(inputs, label, n);
          const weights = sampleWeights(inputs, label, n);
          if (n < 2) throw new ShapeError(`${label}: needs at least 2 samples per batch (got N = ${n}): the estimator averages over 2(N − 1) negatives.`);
          const h1 = l2Normalize(a);
          const h2 = l2Normalize(pos);
          const selfMask = tf.mul(tf.eye(n), 1e9);
          const l1 = tf.concat([tf.matMul(h1, tf.transpose(h2)), tf.sub(tf.matMul(h1, tf.transpose(h1)), selfMask)], 1);
          const l2 = tf.concat([tf.matMul(h2, tf.transpose(h1)), tf.sub(tf.matMul(h2, tf.transpose(h2)), selfMask)], 1);
          const labels = tf.concat([tf.eye(n), tf.zeros([n, n])], 1);
          const negMask = tf.sub(1, labels);
          const denom = 2 * (n - 1);
          const uOld = state.gather('u', ids);
          const tau = p.learnTemperature ? state.gather('tau', ids) : tf.fill([n], p.temperature);
          const gOld = state.gather('gradTau', ids);
          // every state update and the weights are detached, as in the code
          const upd = detached(tf.concat([l1, l2], 0), (both) => {
            const [L1, L2] = tf.split(both, 2, 0) as [tf.Tensor, tf.Tensor];
            const t = tf.expandDims(tau, 1);
            const e1 = tf.mul(tf.exp(tf.div(L1, t)), negMask);
            const e2 = tf.mul(tf.exp(tf.div(L2, t)), negMask);
            const first = tf.equal(uOld, 0);
            const est = (e: tf.Tensor) => tf.div(tf.sum(e, 1), denom);
            const u1 = tf.where(first, est(e1), tf.add(tf.mul(uOld, 1 - p.gamma), tf.mul(est(e1), p.gamma)));
            const u2 = tf.where(first, est(e2), tf.add(tf.mul(uOld, 1 - p.gamma), tf.mul(est(e2), p.gamma)));
            const w1 = tf.div(e1, tf.expandDims(tf.maximum(u1, p.eps), 1));
            const w2 = tf.div(e2, tf.expandDims(tf.maximum(u2, p.eps), 1));
            const gt = (u: tf.Tensor, w: tf.Tensor, L: tf.Tensor) =>
              tf.sub(tf.add(tf.log(tf.maximum(u, 1e-30)), p.rho), tf.div(tf.sum(tf.mul(w, tf.div(L, t)), 1), denom));
            const g = tf.add(tf.mul(gOld, 1 - p.beta), tf.mul(tf.mul(tf.add(gt(u1, w1, L1), gt(u2, w2, L2)), 0.5), p.beta));
            const newTau = tf.clipByValue(tf.sub(tau, tf.mul(g, p.eta)), p.tauMin, p.tauMax);
            const rows = tf.stack([tf.mul(tf.add(u1, u2), 0.5), g, newTau]);
            return tf.concat([w1, w2, tf.pad(rows, [[0, 0], [0, n]])], 0); // [2n + 3, 2n]
          });
          const w1 = tf.slice(upd, [0, 0], [n, 2 * n]);
          const w2 = tf.slice(upd, [n, 0], [n, 2 * n]);
          state.scatter('u', ids, tf.slice(upd, [2 * n, 0], [1, n]));
          if (p.learnTemperature) {
            state.scatter('gradTau', ids, tf.slice(upd, [2 * n + 1, 0], [1, n]));
            state.scatter('tau', ids, tf.slice(upd, [2 * n + 2, 0], [1, n]));
          }
          const term = (L: tf.Tensor, w: tf.Tensor) => tf.neg(tf.sub(tf.sum(tf.mul(labels, L), 1), tf.div(tf.sum(tf.mul(w, L), 1), denom)));
          const per = tf.add(term(l1, w1), term(l2, w2));
          return reduceLoss(per, reduction, weights ? { weights } : {});
        });
      },
    };
  },
});
