import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, z, type Loss, type Stateful } from '@tessera/core';
import { PACKAGE } from './define-loss.js';
import { classIdInputs, zIgnoreIndex } from './inputs.js';
import { reduceLoss, reductionOf } from './reduce.js';
import { SampleState, sampleIdsInput, zNumSamples } from './stateful.js';
import { detached } from './stop-gradient.js';

export const aldrKlParams = z.strictObject({
  threshold: z.number().min(0).max(1e4).default(1).describe('Margin c added to every non-target class (official `ALDRLoss_V1` default 1).'),
  lambda: z.number().positive().max(1e4).default(1).describe('Reference λ₀ of the per-sample λ_i (official `Lambda`).'),
  alpha: z.number().positive().max(1e4).default(2).describe('α of the KL-to-uniform regulariser (the code comments require α > 1).'),
  softplus: z.boolean().default(false).describe('Apply softplus to the logits before the L1 normalisation (official `softplus`, default off).'),
  minLambda: z.number().positive().max(1).default(1e-3).describe('Lower clamp of λ_i (not in the code: there λ_i can reach 0 and divide by zero).'),
  numSamples: zNumSamples(),
  ignoreIndex: zIgnoreIndex(),
});

/**
 * Adaptive LDR-KL (Zhu et al. 2023), `ALDRLoss_V1`: LDR-KL with a per-sample λ_i kept across steps.
 *
 * Notation: logits `z [N, C]` (softplus-ed when `softplus`), `f = z/(‖z‖₁/C)`,
 * class ids `y`, `d_k = c·1[k≠y] + f_k − f_y`, sample ids `i`, state `λ_i` (init λ₀).
 * Each call: `p = normalize₁(softmax(f/λ_i^{old}) + 1e-5)`, `KL_i = Σ_k p_k log(C p_k)`,
 * `λ_i ← max(λ₀ − λ₀·KL_i/(α log C), minLambda)` (stored, detached), and
 * `ℓ_i = λ_i·log mean_k exp(d_k/λ_i) − (α log C/(2λ₀))(λ_i − λ₀)²`.
 * State: `lambda [numSamples]`, saved and restored by checkpoints (`Stateful`).
 * Every call updates the state (call `compute` once per step).
 *
 * @see https://arxiv.org/abs/2112.14869
 */
export const aldrKl = definePlugin({
  kind: 'loss',
  name: 'aldr-kl',
  summary: 'Adaptive LDR-KL with a per-sample λ_i kept across steps by sample id (ALDRLoss_V1).',
  paper: { title: 'Label Distributionally Robust Losses for Multi-class Classification: Consistency, Robustness and Adaptivity', arxiv: '2112.14869', year: 2023 },
  package: PACKAGE,
  io: { required: ['logits', 'labels', 'sampleIds'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: aldrKlParams,
  create: (p, manifest): Loss & Stateful & { dispose(): void } => {
    const label = `loss "${manifest.name}"`;
    const state = new SampleState('loss:aldr-kl', p.numSamples, { lambda: p.lambda });
    return {
      manifest,
      ...state.members(),
      compute(inputs, opts) {
        const reduction = reductionOf(opts, label);
        return tf.tidy(() => {
          const { logits, onehot, valid, weights, n, c } = classIdInputs(inputs, label, p.ignoreIndex);
          const ids = sampleIdsInput(inputs, label, n);
          const logC = Math.log(c);
          let f: tf.Tensor = p.softplus ? tf.softplus(logits) : logits;
          f = tf.div(f, tf.maximum(tf.div(tf.sum(tf.abs(f), 1, true), c), 1e-12));
          const lamOld = state.gather('lambda', ids);
          // λ_i update, detached as in the code (`self.Lambda[ids] = lambdas.detach()`); ignored samples keep theirs
          const lam = detached(f, (fv) => {
            const prob = tf.add(tf.softmax(tf.div(fv, tf.expandDims(lamOld, 1))), 1e-5);
            const pn = tf.div(prob, tf.sum(prob, 1, true));
            const kl = tf.sum(tf.mul(pn, tf.log(tf.mul(pn, c))), 1);
            const lamNew = tf.maximum(tf.sub(p.lambda, tf.div(tf.mul(kl, p.lambda), p.alpha * logC)), p.minLambda);
            return tf.where(tf.greater(valid, 0), lamNew, lamOld);
          });
          state.scatter('lambda', ids, lam);
          const lamC = tf.expandDims(lam, 1);
          const fy = tf.sum(tf.mul(onehot, f), 1, true);
          const d = tf.div(tf.add(tf.mul(tf.sub(1, onehot), p.threshold), tf.sub(f, fy)), lamC);
          const extra = tf.mul(tf.square(tf.sub(tf.squeeze(lamC, [1]), p.lambda)), -(p.alpha * logC) / (2 * p.lambda));
          const per = tf.mul(tf.add(tf.mul(tf.sub(tf.logSumExp(d, 1), logC), tf.squeeze(lamC, [1])), extra), valid);
          return reduceLoss(per, reduction, { counts: valid, ...(weights ? { weights } : {}) });
        });
      },
    };
  },
});
