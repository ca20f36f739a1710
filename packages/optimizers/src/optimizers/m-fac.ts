import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, maskOf, paramGroupsField, weightDecayMaskField } from '../define-optimizer.js';
import { needParams, paramOf, type GradientTransformation, type StateTree, type TensorRecord } from '../transform.js';
import { maskSelects } from '../transforms/add-decayed-weights.js';

/**
 * Solves A·x = b for a symmetric positive-definite m×m A on the device
 * (Gauss–Jordan without pivoting, m rank-1 eliminations; tfjs has no solve).
 */
export function solveSpd(A: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const m = A.shape[0];
    let aug = tf.concat([A, tf.reshape(b, [m, 1])], 1) as tf.Tensor2D;
    const eye = tf.eye(m);
    for (let i = 0; i < m; i++) {
      const row = tf.slice(aug, [i, 0], [1, m + 1]);
      const rowN = tf.div(row, tf.slice(aug, [i, i], [1, 1]));
      const col = tf.slice(aug, [0, i], [m, 1]);
      const ei = tf.slice(eye, [0, i], [m, 1]);
      aug = tf.add(tf.sub(aug, tf.mul(col, rowN)), tf.mul(ei, rowN)) as tf.Tensor2D;
    }
    return tf.reshape(tf.slice(aug, [0, m], [m, 1]), [m]) as tf.Tensor1D;
  });
}

/**
 * M-FAC, matrix-free inverse empirical Fisher (IST-DASLab/M-FAC `MFAC`, dense, the
 * Woodbury form of its `HInvSlow`), over the flattened concatenation of all gradients.
 *
 * Notation: G [m, d] ring buffer of the last m gradients (zeros at first; the new gradient is
 * inserted first), λ damp, F = λI + GᵀG/m, v momentum buffer.
 *
 *   g ← g + wd·θ;  insert g into G;  a = (mλI + GGᵀ)⁻¹(Gg);  u = F⁻¹g = (g − Gᵀa)/λ
 *   v ← μv + (1−μ)u (μ > 0);  θ ← θ − η·v
 *
 * The m×m system is solved on the device. Defaults: ngrads 32 (the reference's 1024 needs
 * m·d floats and an m-step solve per step: too heavy for tfjs), damp 1e-5. In float32, u = (g − Gᵀa)/λ
 * cancels catastrophically for tiny λ (as in the float32 reference); prefer damp ≥ 1e-3 here.
 * The set of variables must stay the same across steps (a missing gradient counts as zero).
 *
 * @see https://arxiv.org/abs/2107.03356
 */
export const { plugin: mFac, Optimizer: MFacOptimizer } = defineOptimizer({
  name: 'm-fac',
  className: 'Tessera.MFAC',
  summary: 'M-FAC: inverse empirical Fisher of the last m gradients applied by Woodbury (IST-DASLab/M-FAC).',
  paper: { title: 'M-FAC: Efficient Matrix-Free Approximations of Second-Order Information', arxiv: '2107.03356', year: 2021 },
  params: z.strictObject({
    learningRate: learningRateField(1e-3, 'Learning rate η.'),
    momentum: z.number().min(0).lt(1).default(0).describe('Momentum μ (v ← μv + (1−μ)u).'),
    weightDecay: z.number().min(0).default(0).describe('Coupled weight decay.'),
    ngrads: z.number().int().min(1).max(1024).default(32).describe('Window m of stored gradients (reference 1024).'),
    damp: z.number().positive().default(1e-5).describe('Dampening λ of the Fisher.'),
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx): GradientTransformation => ({
    init: () => ({ last: 0 }),
    update(updates, state, params) {
      const ps = needParams(params, 'm-fac');
      const mask = maskOf(hp.weightDecayMask);
      let offsets = state.offsets as StateTree | undefined;
      if (!offsets) {
        offsets = {};
        let at = 0;
        for (const n of Object.keys(updates).sort()) {
          offsets[n] = at;
          at += updates[n]!.size;
        }
        offsets.__d = at;
      }
      const names = Object.keys(offsets).filter((n) => n !== '__d').sort((a, b) => (offsets![a] as number) - (offsets![b] as number));
      for (const n of Object.keys(updates)) if (offsets[n] === undefined) throw new RangeError(`optimizer "m-fac": variable "${n}" joined after the first step; M-FAC needs a fixed set of variables.`);
      const d = offsets.__d as number;
      const m = hp.ngrads;
      const flat = tf.concat(
        names.map((n) => {
          const g = updates[n];
          const p = paramOf(ps, n, 'm-fac');
          if (!g) return tf.zeros([p.size]);
          const gg = hp.weightDecay > 0 && maskSelects(mask, n, p) ? tf.add(g, tf.mul(p, hp.weightDecay)) : g;
          return tf.reshape(gg, [-1]);
        }),
      ) as tf.Tensor1D;
      const last = (state.last as number | undefined) ?? 0;
      const G0 = (state.G as tf.Tensor2D | undefined) ?? (tf.zeros([m, d]) as tf.Tensor2D);
      const rowMask = tf.cast(tf.reshape(tf.oneHot(last, m), [m, 1]), 'bool');
      const G = tf.where(tf.broadcastTo(rowMask, [m, d]), tf.broadcastTo(tf.reshape(flat, [1, d]), [m, d]), G0) as tf.Tensor2D;
      const Gg = tf.reshape(tf.matMul(G, tf.reshape(flat, [d, 1])), [m]) as tf.Tensor1D;
      const K = tf.add(tf.matMul(G, tf.transpose(G)), tf.mul(tf.eye(m), m * hp.damp)) as tf.Tensor2D;
      const a = solveSpd(K, Gg);
      const u = tf.div(tf.sub(flat, tf.reshape(tf.matMul(tf.reshape(a, [1, m]), G), [d])), hp.damp);
      let v: tf.Tensor = u;
      const next: StateTree = { offsets, last: (last + 1) % m, G };
      if (hp.momentum > 0) {
        v = tf.add(tf.mul((state.v as tf.Tensor | undefined) ?? tf.zeros([d]), hp.momentum), tf.mul(u, 1 - hp.momentum));
        next.v = v;
      }
      const lr = ctx.lr();
      const out: TensorRecord = {};
      for (const n of names) {
        if (!updates[n]) continue;
        out[n] = tf.reshape(tf.mul(tf.slice(v, [offsets[n] as number], [updates[n]!.size]), -lr), updates[n]!.shape);
      }
      return [out, next];
    },
  }),
});
