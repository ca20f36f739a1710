import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, maskOf, paramGroupsField, weightDecayMaskField } from '../define-optimizer.js';
import type { BuildContext } from '../transform-optimizer.js';
import { needParams, paramOf, type GradientTransformation, type StateTree, type TensorRecord } from '../transform.js';
import { maskSelects, type DecayMask } from '../transforms/add-decayed-weights.js';

const sum = (xs: tf.Tensor[]): tf.Tensor => (xs.length === 0 ? tf.scalar(0) : xs.length === 1 ? xs[0]! : tf.addN(xs));
const dot = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(a, b));
/** max(d, min(x, d·growth)) on device; growth = ∞ gives max(d, x). */
const grow = (d: tf.Tensor, x: tf.Tensor, growth: number) => tf.maximum(d, Number.isFinite(growth) ? tf.minimum(x, tf.mul(d, growth)) : x);

export interface DAdaptAdamOptions {
  beta1: number; beta2: number; epsilon: number; weightDecay: number; decouple: boolean;
  useBiasCorrection: boolean; d0: number; growthRate: number; mask?: DecayMask;
}

/**
 * D-Adapt Adam, dadaptation **3.x** (the "IP" variant that became the main
 * class in 3.0; the preprint's version is `experimental/dadapt_adam_preprint`).
 * Global scalars d and the weighted numerator stay on the device: no host read.
 *
 * Notation: k step, γ learning rate (a multiplier, 1 by default), bc bias correction
 * (√(1−β2^(k+1))/(1−β1^(k+1)) or 1), dlr = d·γ·bc, r = √β2, s/m/v per variable.
 *
 *   g ← g + λθ (coupled);  A = Σ dlr·⟨g, s/(√v + ε)⟩ (old s, v)
 *   m ← β1m + dlr(1−β1)g;  v ← β2v + (1−β2)g²;  s ← r·s + dlr(1−r)g
 *   N ← r·N + (1−r)·A;  d̂ = N/((1−r)·Σ‖s‖₁);  d ← max(d, min(d̂, d·growth))
 *   θ ← θ − λ·dlr·θ (decoupled) − m/(√v + ε)       (the step uses the old dlr)
 *
 * When Σ‖s‖₁ = 0 (all gradients zero so far) the step and the d update are
 * skipped (decided on device); the host step counter still advances (it only
 * matters with useBiasCorrection). Parameter groups each keep their own d
 * (the reference shares one d across groups).
 */
export function scaleByDAdaptAdam(o: DAdaptAdamOptions, ctx: BuildContext): GradientTransformation {
  const r = Math.sqrt(o.beta2);
  return {
    init: () => ({ k: 0 }),
    update(updates, state, params) {
      const ps = needParams(params, 'd-adapt-adam');
      const k = (state.k as number | undefined) ?? 0;
      const d = (state.d as tf.Tensor | undefined) ?? tf.scalar(o.d0);
      const nw = (state.nw as tf.Tensor | undefined) ?? tf.scalar(0);
      const lr = ctx.lr();
      const bc = o.useBiasCorrection ? Math.sqrt(1 - Math.pow(o.beta2, k + 1)) / (1 - Math.pow(o.beta1, k + 1)) : 1;
      const dlr = tf.mul(d, lr * bc);
      const old = (state.slots as StateTree | undefined) ?? {};
      const slots: StateTree = { ...old };
      const nums: tf.Tensor[] = [];
      const l1s: tf.Tensor[] = [];
      const gs: TensorRecord = {};
      for (const [n, g0] of Object.entries(updates)) {
        const p = paramOf(ps, n, 'd-adapt-adam');
        const wd = maskSelects(o.mask, n, p) ? o.weightDecay : 0;
        const g = !o.decouple && wd !== 0 ? tf.add(g0, tf.mul(p, wd)) : g0;
        gs[n] = g;
        const s0 = (old[n] as StateTree | undefined) ?? { s: tf.zerosLike(g), m: tf.zerosLike(g), v: tf.zerosLike(g) };
        if (lr > 0) {
          nums.push(tf.mul(dlr, dot(g, tf.div(s0.s as tf.Tensor, tf.add(tf.sqrt(s0.v as tf.Tensor), o.epsilon)))));
          const m = tf.add(tf.mul(s0.m as tf.Tensor, o.beta1), tf.mul(g, tf.mul(dlr, 1 - o.beta1)));
          const v = tf.add(tf.mul(s0.v as tf.Tensor, o.beta2), tf.mul(tf.square(g), 1 - o.beta2));
          const s = tf.add(tf.mul(s0.s as tf.Tensor, r), tf.mul(g, tf.mul(dlr, 1 - r)));
          l1s.push(tf.sum(tf.abs(s)));
          slots[n] = { s, m, v };
        } else slots[n] = s0;
      }
      const skL1 = sum(l1s);
      const ok = tf.greater(skL1, 0);
      const nwNew = tf.add(tf.mul(nw, r), tf.mul(sum(nums), 1 - r));
      const dHat = tf.div(nwNew, tf.mul(tf.maximum(skL1, 1e-30), 1 - r));
      const dNew = lr > 0 ? tf.where(ok, grow(d, dHat, o.growthRate), d) : d;
      const out: TensorRecord = {};
      for (const [n, g] of Object.entries(gs)) {
        const p = paramOf(ps, n, 'd-adapt-adam');
        const sl = slots[n] as StateTree;
        let u = tf.neg(tf.div(sl.m as tf.Tensor, tf.add(tf.sqrt(sl.v as tf.Tensor), o.epsilon)));
        const wd = maskSelects(o.mask, n, p) ? o.weightDecay : 0;
        if (o.decouple && wd !== 0) u = tf.sub(u, tf.mul(p, tf.mul(dlr, wd)));
        out[n] = tf.where(ok, u, tf.zerosLike(g));
      }
      return [out, { k: k + 1, d: dNew, nw: tf.where(ok, nwNew, nw), slots }];
    },
  };
}

/**
 * D-Adapt SGD, dadaptation 3.x (primal averaging form of momentum).
 *
 * Notation: g₀ first gradient, ‖g₀‖ its global norm (weight decay excluded, a quirk of the
 * reference), dlr = d·γ/‖g₀‖, x₀ initial parameters, μ momentum.
 *
 *   g ← g + λθ;  N ← N + dlr·⟨g, s⟩;  s ← s + dlr·g;  d̂ = 2N/‖s‖;  d ← max(d, min(d̂, d·growth))
 *   z = x₀ − s;  θ ← μθ + (1−μ)z
 *
 * The reference raises on an all-zero first gradient; here dlr = 0 then (no progress).
 */
export function scaleByDAdaptSgd(o: { momentum: number; weightDecay: number; d0: number; growthRate: number; mask?: DecayMask }, ctx: BuildContext): GradientTransformation {
  return {
    init: () => ({ k: 0 }),
    update(updates, state, params) {
      const ps = needParams(params, 'd-adapt-sgd');
      const k = (state.k as number | undefined) ?? 0;
      const d = (state.d as tf.Tensor | undefined) ?? tf.scalar(o.d0);
      const num = (state.num as tf.Tensor | undefined) ?? tf.scalar(0);
      const g0 = k === 0 || !state.g0 ? tf.sqrt(sum(Object.values(updates).map((g) => tf.sum(tf.square(g))))) : (state.g0 as tf.Tensor);
      const lr = ctx.lr();
      const dlr = tf.where(tf.greater(g0, 0), tf.div(tf.mul(d, lr), tf.maximum(g0, 1e-30)), tf.scalar(0));
      const old = (state.slots as StateTree | undefined) ?? {};
      const slots: StateTree = { ...old };
      const nums: tf.Tensor[] = [];
      const sqs: tf.Tensor[] = [];
      for (const [n, g0n] of Object.entries(updates)) {
        const p = paramOf(ps, n, 'd-adapt-sgd');
        const s0 = (old[n] as StateTree | undefined) ?? { s: tf.zerosLike(g0n), x0: tf.clone(p) };
        const wd = maskSelects(o.mask, n, p) ? o.weightDecay : 0;
        const g = wd !== 0 ? tf.add(g0n, tf.mul(p, wd)) : g0n;
        if (lr > 0) {
          nums.push(tf.mul(dlr, dot(g, s0.s as tf.Tensor)));
          const s = tf.add(s0.s as tf.Tensor, tf.mul(g, dlr));
          sqs.push(tf.sum(tf.square(s)));
          slots[n] = { s, x0: s0.x0 };
        } else slots[n] = s0;
      }
      const skSq = sum(sqs);
      const ok = tf.greater(skSq, 0);
      const numNew = tf.add(num, sum(nums));
      const dHat = tf.div(tf.mul(numNew, 2), tf.sqrt(tf.maximum(skSq, 1e-30)));
      const dNew = lr > 0 ? tf.where(ok, grow(d, dHat, o.growthRate), d) : d;
      const out: TensorRecord = {};
      for (const n of Object.keys(updates)) {
        const p = ps[n]!;
        const sl = slots[n] as StateTree;
        const zv = tf.sub(sl.x0 as tf.Tensor, sl.s as tf.Tensor);
        const u = tf.mul(tf.sub(zv, p), 1 - o.momentum);
        out[n] = tf.where(ok, u, tf.zerosLike(u));
      }
      return [out, { k: k + 1, d: dNew, num: tf.where(ok, numNew, num), g0, slots }];
    },
  };
}

const dFields = {
  d0: z.number().positive().default(1e-6).describe('Initial estimate d₀ of the distance to the solution.'),
  growthRate: z.number().positive().optional().describe('Cap on the growth of d per step (unset: unbounded, the reference default ∞; 1.02 acts as warmup).'),
};

/**
 * D-Adaptation Adam (dadaptation 3.x `DAdaptAdam`). Keep learningRate = 1 (it multiplies the
 * adapted step) and use your usual schedule as that multiplier.
 *
 * @see https://arxiv.org/abs/2301.07733
 */
export const { plugin: dAdaptAdam, Optimizer: DAdaptAdamOptimizer } = defineOptimizer({
  name: 'd-adapt-adam',
  aliases: ['dadapt-adam'],
  className: 'Tessera.DAdaptAdam',
  summary: 'Learning-rate-free Adam: D-Adaptation estimates the distance to the solution (dadaptation 3.x).',
  paper: { title: 'Learning-Rate-Free Learning by D-Adaptation', arxiv: '2301.07733', year: 2023 },
  params: z.strictObject({
    learningRate: learningRateField(1.0, 'Multiplier γ of the adapted step (keep 1; schedule it).'),
    beta1: z.number().min(0).lt(1).default(0.9).describe('Decay β1 of the first moment.'),
    beta2: z.number().min(0).lt(1).default(0.999).describe('Decay β2 of the second moment.'),
    epsilon: z.number().positive().default(1e-8).describe('ε added to √v.'),
    weightDecay: z.number().min(0).default(0).describe('Weight decay λ.'),
    decouple: z.boolean().default(false).describe('AdamW-style decoupled decay θ ← θ − λ·dlr·θ.'),
    useBiasCorrection: z.boolean().default(false).describe("Adam's bias correction folded into dlr."),
    ...dFields,
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx) => scaleByDAdaptAdam({ ...hp, growthRate: hp.growthRate ?? Infinity, mask: maskOf(hp.weightDecayMask) }, ctx),
});

/**
 * D-Adaptation SGD (dadaptation 3.x `DAdaptSGD`).
 *
 * @see https://arxiv.org/abs/2301.07733
 */
export const { plugin: dAdaptSgd, Optimizer: DAdaptSgdOptimizer } = defineOptimizer({
  name: 'd-adapt-sgd',
  aliases: ['dadapt-sgd'],
  className: 'Tessera.DAdaptSGD',
  summary: 'Learning-rate-free SGD: D-Adaptation with primal-averaging momentum (dadaptation 3.x).',
  paper: { title: 'Learning-Rate-Free Learning by D-Adaptation', arxiv: '2301.07733', year: 2023 },
  params: z.strictObject({
    learningRate: learningRateField(1.0, 'Multiplier γ of the adapted step (keep 1; schedule it).'),
    momentum: z.number().min(0).lt(1).default(0).describe('Momentum μ (code default 0; 0.9 is typical).'),
    weightDecay: z.number().min(0).default(0).describe('Coupled weight decay λ.'),
    ...dFields,
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx) => scaleByDAdaptSgd({ ...hp, growthRate: hp.growthRate ?? Infinity, mask: maskOf(hp.weightDecayMask) }, ctx),
});

/**
 * Prodigy (prodigyopt 1.0 `Prodigy`): D-Adaptation with weights that favour
 * recent gradients and the distance ⟨g, x₀ − θ⟩. Scalars stay on the device.
 *
 * Notation: dlr = d·γ·bc, β3 = √β2 unless given, x₀ initial parameters.
 *
 *   N ← β3·N + Σ (d/d₀)·dlr·⟨g, x₀ − θ⟩;  m ← β1m + d(1−β1)g;  v ← β2v + d²(1−β2)g²
 *   s ← β3s + (d/d₀)·dlr·g (safeguardWarmup: (d/d₀)·d·g);  d̂ = c·N/Σ‖s‖₁
 *   d ← max(d, d̂) if d = d₀;  d_max ← max(d_max, d̂);  d ← min(d_max, d·growth)
 *   θ ← θ − λ·dlr·θ (decoupled) − dlr·m/(√v + d_new·ε)
 *
 * @see https://arxiv.org/abs/2306.06101
 */
export const { plugin: prodigy, Optimizer: ProdigyOptimizer } = defineOptimizer({
  name: 'prodigy',
  className: 'Tessera.Prodigy',
  summary: 'Prodigy: parameter-free AdamW that adapts the step faster than D-Adaptation (prodigyopt 1.0).',
  paper: { title: 'Prodigy: An Expeditiously Adaptive Parameter-Free Learner', arxiv: '2306.06101', year: 2023 },
  params: z.strictObject({
    learningRate: learningRateField(1.0, 'Multiplier γ of the adapted step (keep 1; schedule it).'),
    beta1: z.number().min(0).lt(1).default(0.9).describe('Decay β1 of the first moment.'),
    beta2: z.number().min(0).lt(1).default(0.999).describe('Decay β2 of the second moment.'),
    beta3: z.number().min(0).lt(1).optional().describe('Decay of s and N (default √β2).'),
    epsilon: z.number().positive().default(1e-8).describe('ε (multiplied by d) added to √v.'),
    weightDecay: z.number().min(0).default(0).describe('Weight decay λ.'),
    decouple: z.boolean().default(true).describe('AdamW-style decoupled decay (default on).'),
    useBiasCorrection: z.boolean().default(false).describe("Adam's bias correction folded into dlr."),
    safeguardWarmup: z.boolean().default(false).describe('Use d instead of dlr in s (safer with warmup).'),
    dCoef: z.number().positive().default(1).describe('Coefficient c of d̂.'),
    ...dFields,
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx): GradientTransformation => {
    const b3 = hp.beta3 ?? Math.sqrt(hp.beta2);
    const mask = maskOf(hp.weightDecayMask);
    return {
      init: () => ({ k: 0 }),
      update(updates, state, params) {
        const ps = needParams(params, 'prodigy');
        const k = (state.k as number | undefined) ?? 0;
        const d = (state.d as tf.Tensor | undefined) ?? tf.scalar(hp.d0);
        const dMax = (state.dMax as tf.Tensor | undefined) ?? tf.scalar(hp.d0);
        const numOld = (state.num as tf.Tensor | undefined) ?? tf.scalar(0);
        const lr = ctx.lr();
        const bc = hp.useBiasCorrection ? Math.sqrt(1 - Math.pow(hp.beta2, k + 1)) / (1 - Math.pow(hp.beta1, k + 1)) : 1;
        const dlr = tf.mul(d, lr * bc);
        const dRatio = tf.div(d, hp.d0);
        const old = (state.slots as StateTree | undefined) ?? {};
        const slots: StateTree = { ...old };
        const nums: tf.Tensor[] = [tf.mul(numOld, b3)];
        const l1s: tf.Tensor[] = [];
        for (const [n, g0] of Object.entries(updates)) {
          const p = paramOf(ps, n, 'prodigy');
          const wd = maskSelects(mask, n, p) ? hp.weightDecay : 0;
          const g = !hp.decouple && wd !== 0 ? tf.add(g0, tf.mul(p, wd)) : g0;
          const s0 = (old[n] as StateTree | undefined) ?? { s: tf.zerosLike(g), p0: tf.clone(p), m: tf.zerosLike(g), v: tf.zerosLike(g) };
          if (lr > 0) {
            nums.push(tf.mul(tf.mul(dRatio, dlr), dot(g, tf.sub(s0.p0 as tf.Tensor, p))));
            const m = tf.add(tf.mul(s0.m as tf.Tensor, hp.beta1), tf.mul(g, tf.mul(d, 1 - hp.beta1)));
            const v = tf.add(tf.mul(s0.v as tf.Tensor, hp.beta2), tf.mul(tf.square(g), tf.mul(tf.square(d), 1 - hp.beta2)));
            const s = tf.add(tf.mul(s0.s as tf.Tensor, b3), tf.mul(g, tf.mul(dRatio, hp.safeguardWarmup ? d : dlr)));
            l1s.push(tf.sum(tf.abs(s)));
            slots[n] = { s, p0: s0.p0, m, v };
          } else slots[n] = s0;
        }
        const num = tf.addN(nums);
        const den = sum(l1s);
        const ok = tf.greater(den, 0);
        let dNew = d;
        let dMaxNew = dMax;
        if (lr > 0) {
          const dHat = tf.div(tf.mul(num, hp.dCoef), tf.maximum(den, 1e-30));
          const first = tf.where(tf.equal(d, tf.scalar(hp.d0)), tf.maximum(d, dHat), d);
          dMaxNew = tf.where(ok, tf.maximum(dMax, dHat), dMax);
          const capped = hp.growthRate !== undefined ? tf.minimum(dMaxNew, tf.mul(first, hp.growthRate)) : dMaxNew;
          dNew = tf.where(ok, capped, d);
        }
        const out: TensorRecord = {};
        for (const n of Object.keys(updates)) {
          const p = ps[n]!;
          const sl = slots[n] as StateTree;
          let u = tf.neg(tf.mul(dlr, tf.div(sl.m as tf.Tensor, tf.add(tf.sqrt(sl.v as tf.Tensor), tf.mul(dNew, hp.epsilon)))));
          const wd = maskSelects(mask, n, p) ? hp.weightDecay : 0;
          if (hp.decouple && wd !== 0) u = tf.sub(u, tf.mul(p, tf.mul(dlr, wd)));
          out[n] = tf.where(ok, u, tf.zerosLike(u));
        }
        return [out, { k: k + 1, d: dNew, dMax: dMaxNew, num: tf.where(ok, num, numOld), slots }];
      },
    };
  },
});
