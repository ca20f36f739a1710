import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, maskOf, paramGroupsField, weightDecayMaskField } from '../define-optimizer.js';
import type { BuildContext } from '../transform-optimizer.js';
import { needParams, paramOf, type GradientTransformation, type StateTree, type TensorRecord } from '../transform.js';
import { maskSelects, type DecayMask } from '../transforms/add-decayed-weights.js';

const sum = (xs: tf.Tensor[]): tf.Tensor => (xs.length === 0 ? tf.scalar(0) : xs.length === 1 ? xs[0]! : tf.addN(xs));

interface DogOptions { repsRel: number; epsilon: number; weightDecay: number; initEta?: number | undefined; mask?: DecayMask; layerwise: boolean }

/**
 * DoG / LDoG step sizes (dog-optimizer 1.0.3, the official code), on device.
 *
 * Notation: x₀ parameters at the first step, r̄ max distance, G sum of squared gradient norms,
 * c learning rate (keep 1). Global over the group (DoG) or per variable (LDoG).
 *
 *   g ← g + λx;  first: r̄ = r_ε(1 + ‖x₀‖), G = ‖g‖² + ε;  later: r̄ = max(r̄, ‖x − x₀‖), G += ‖g‖²
 *   η = c·r̄/√G (initEta on the first step if given);  x ← x − η·g
 */
export function scaleByDog(o: DogOptions, ctx: BuildContext): GradientTransformation {
  return {
    init: () => ({}),
    update(updates, state, params) {
      const ps = needParams(params, 'dog');
      const first = state.G === undefined && !o.layerwise ? true : false;
      const old = (state.slots as StateTree | undefined) ?? {};
      const slots: StateTree = { ...old };
      const gs: TensorRecord = {};
      for (const [n, g0] of Object.entries(updates)) {
        const p = paramOf(ps, n, 'dog');
        const wd = maskSelects(o.mask, n, p) ? o.weightDecay : 0;
        gs[n] = wd !== 0 ? tf.add(g0, tf.mul(p, wd)) : g0;
      }
      const lr = ctx.lr();
      const out: TensorRecord = {};
      if (!o.layerwise) {
        let rbar: tf.Tensor;
        let G: tf.Tensor;
        const gsq = sum(Object.values(gs).map((g) => tf.sum(tf.square(g))));
        if (first) {
          rbar = tf.mul(tf.add(1, tf.sqrt(sum(Object.keys(gs).map((n) => tf.sum(tf.square(ps[n]!)))))), o.repsRel);
          G = tf.add(gsq, o.epsilon);
          for (const n of Object.keys(gs)) slots[n] = { x0: tf.clone(ps[n]!) };
        } else {
          for (const n of Object.keys(gs)) if (!slots[n]) slots[n] = { x0: tf.clone(ps[n]!) };
          const dist = tf.sqrt(sum(Object.keys(gs).map((n) => tf.sum(tf.square(tf.sub(ps[n]!, (slots[n] as StateTree).x0 as tf.Tensor))))));
          rbar = tf.maximum(state.rbar as tf.Tensor, dist);
          G = tf.add(state.G as tf.Tensor, gsq);
        }
        const eta = first && o.initEta !== undefined ? tf.scalar(o.initEta) : tf.div(tf.mul(rbar, lr), tf.sqrt(G));
        for (const [n, g] of Object.entries(gs)) out[n] = tf.neg(tf.mul(g, eta));
        return [out, { rbar, G, slots }];
      }
      for (const [n, g] of Object.entries(gs)) {
        const p = ps[n]!;
        const s = old[n] as StateTree | undefined;
        let rbar: tf.Tensor;
        let G: tf.Tensor;
        if (!s) {
          rbar = tf.mul(tf.add(1, tf.norm(p)), o.repsRel);
          G = tf.add(tf.sum(tf.square(g)), o.epsilon);
        } else {
          rbar = tf.maximum(s.rbar as tf.Tensor, tf.norm(tf.sub(p, s.x0 as tf.Tensor)));
          G = tf.add(s.G as tf.Tensor, tf.sum(tf.square(g)));
        }
        const eta = !s && o.initEta !== undefined ? tf.scalar(o.initEta) : tf.div(tf.mul(rbar, lr), tf.sqrt(G));
        out[n] = tf.neg(tf.mul(g, eta));
        slots[n] = { x0: s ? s.x0 : tf.clone(p), rbar, G };
      }
      return [out, { slots }];
    },
  };
}

const dogParams = z.strictObject({
  learningRate: learningRateField(1.0, 'Multiplier c of the DoG step (keep 1).'),
  repsRel: z.number().positive().default(1e-6).describe('r_ε: initial movement relative to 1 + ‖x₀‖ (1e-4 with BatchNorm).'),
  epsilon: z.number().positive().default(1e-8).describe('ε added to G at the first step.'),
  weightDecay: z.number().min(0).default(0).describe('Coupled weight decay λ (included in G).'),
  initEta: z.number().positive().optional().describe('First step size, overriding the r_ε heuristic.'),
  weightDecayMask: weightDecayMaskField,
  paramGroups: paramGroupsField,
});

/**
 * DoG, Distance over Gradients (dog-optimizer 1.0.3 `DoG`): a parameter-free
 * SGD step size, global over the variables. Pair it with `poly-decay-averager`.
 * A variable without a gradient is left out of the norms (the reference crashes).
 *
 * @see https://arxiv.org/abs/2302.12022
 */
export const { plugin: dog, Optimizer: DogOptimizer } = defineOptimizer({
  name: 'dog',
  className: 'Tessera.DoG',
  summary: 'DoG: parameter-free SGD with step max distance / sqrt(sum of squared gradient norms).',
  paper: { title: "DoG is SGD's Best Friend: A Parameter-Free Dynamic Step Size Schedule", arxiv: '2302.12022', year: 2023 },
  params: dogParams,
  build: (hp, ctx) => scaleByDog({ ...hp, mask: maskOf(hp.weightDecayMask), layerwise: false }, ctx),
});

/**
 * LDoG, layer-wise DoG (dog-optimizer 1.0.3 `LDoG`): r̄ and G per variable.
 *
 * @see https://arxiv.org/abs/2302.12022
 */
export const { plugin: ldog, Optimizer: LdogOptimizer } = defineOptimizer({
  name: 'ldog',
  className: 'Tessera.LDoG',
  summary: 'Layer-wise DoG: a DoG step size per variable.',
  paper: { title: "DoG is SGD's Best Friend: A Parameter-Free Dynamic Step Size Schedule", arxiv: '2302.12022', year: 2023 },
  params: dogParams,
  build: (hp, ctx) => scaleByDog({ ...hp, mask: maskOf(hp.weightDecayMask), layerwise: true }, ctx),
});

/**
 * DoWG, Distance over Weighted Gradients (optax `contrib.dowg`).
 *
 * Notation: x₀ parameters at the first update, r̂² squared-distance estimate, v weighted sum.
 *
 *   r̂² ← max(r̂², ‖x − x₀‖²);  v ← v + r̂²·‖g‖²;  x ← x − c·r̂²/(√v + ε)·g
 *
 * @see https://arxiv.org/abs/2305.16284
 */
export const { plugin: dowg, Optimizer: DowgOptimizer } = defineOptimizer({
  name: 'dowg',
  className: 'Tessera.DoWG',
  summary: 'DoWG: parameter-free SGD with distance-weighted gradient sums (optax contrib dowg).',
  paper: { title: 'DoWG Unleashed: An Efficient Universal Parameter-Free Gradient Descent Method', arxiv: '2305.16284', year: 2023 },
  params: z.strictObject({
    learningRate: learningRateField(1.0, 'Multiplier c (keep 1).'),
    initEstimSqDist: z.number().positive().optional().describe('Initial squared-distance estimate (default ε).'),
    epsilon: z.number().positive().default(1e-4).describe('ε in the denominator, and the default initial estimate.'),
    weightDecay: z.number().min(0).default(0).describe('Coupled weight decay λ.'),
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx): GradientTransformation => ({
    init: () => ({}),
    update(updates, state, params) {
      const ps = needParams(params, 'dowg');
      const mask = maskOf(hp.weightDecayMask);
      const old = (state.slots as StateTree | undefined) ?? {};
      const slots: StateTree = { ...old };
      const gs: TensorRecord = {};
      for (const [n, g0] of Object.entries(updates)) {
        const p = paramOf(ps, n, 'dowg');
        gs[n] = hp.weightDecay !== 0 && maskSelects(mask, n, p) ? tf.add(g0, tf.mul(p, hp.weightDecay)) : g0;
        if (!slots[n]) slots[n] = { x0: tf.clone(p) };
      }
      const dist = tf.addN([tf.scalar(0), ...Object.keys(gs).map((n) => tf.sum(tf.square(tf.sub(ps[n]!, (slots[n] as StateTree).x0 as tf.Tensor))))]);
      const est = tf.maximum((state.est as tf.Tensor | undefined) ?? tf.scalar(hp.initEstimSqDist ?? hp.epsilon), dist);
      const gsq = tf.addN([tf.scalar(0), ...Object.values(gs).map((g) => tf.sum(tf.square(g)))]);
      const v = tf.add((state.v as tf.Tensor | undefined) ?? tf.scalar(0), tf.mul(est, gsq));
      const eta = tf.mul(tf.div(est, tf.add(tf.sqrt(v), hp.epsilon)), ctx.lr());
      const out: TensorRecord = {};
      for (const [n, g] of Object.entries(gs)) out[n] = tf.neg(tf.mul(g, eta));
      return [out, { est, v, slots }];
    },
  }),
});
