import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, maskOf, paramGroupsField, weightDecayMaskField } from '../define-optimizer.js';
import { needParams, paramOf, type GradientTransformation, type StateTree, type TensorRecord } from '../transform.js';
import { maskSelects } from '../transforms/add-decayed-weights.js';

/**
 * MADGRAD (facebookresearch/madgrad 1.x `MADGRAD`): dual averaging with a
 * cube-root AdaGrad denominator and momentum by primal averaging.
 *
 * Notation: k global step (0-based), η' = η + ε, λ_k = η'·√(k+1), S sum of λg², s sum of λg,
 * x₀ initial parameters, c = 1 − μ.
 *
 *   g ← g + λθ;  S ← S + λ_k g²;  s ← s + λ_k g;  z = x₀ − s/(∛S + ε);  θ ← (1−c)θ + c·z
 *   (μ = 0: x₀ is recovered as θ + s/(∛S + ε) before the update)
 *
 * @see https://arxiv.org/abs/2101.11075
 */
export const { plugin: madgrad, Optimizer: MadgradOptimizer } = defineOptimizer({
  name: 'madgrad',
  className: 'Tessera.MADGRAD',
  summary: 'MADGRAD: momentumized, adaptive dual-averaged gradient (facebookresearch/madgrad).',
  paper: { title: 'Adaptivity without Compromise: A Momentumized, Adaptive, Dual Averaged Gradient Method for Stochastic Optimization', arxiv: '2101.11075', year: 2021 },
  params: z.strictObject({
    learningRate: learningRateField(1e-2, 'Learning rate η.'),
    momentum: z.number().min(0).lt(1).default(0.9).describe('Momentum μ (primal averaging).'),
    weightDecay: z.number().min(0).default(0).describe('Coupled weight decay λ.'),
    epsilon: z.number().positive().default(1e-6).describe('ε added to the cube root (and to η).'),
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx): GradientTransformation => ({
    init: () => ({ k: 0 }),
    update(updates, state, params) {
      const ps = needParams(params, 'madgrad');
      const k = (state.k as number | undefined) ?? 0;
      const lr = ctx.lr() + hp.epsilon;
      const lamb = lr * Math.sqrt(k + 1);
      const ck = 1 - hp.momentum;
      const mask = maskOf(hp.weightDecayMask);
      const old = (state.slots as StateTree | undefined) ?? {};
      const slots: StateTree = { ...old };
      const out: TensorRecord = {};
      for (const [n, g0] of Object.entries(updates)) {
        const p = paramOf(ps, n, 'madgrad');
        const s0 = (old[n] as StateTree | undefined) ?? { sq: tf.zerosLike(g0), s: tf.zerosLike(g0), ...(hp.momentum !== 0 ? { x0: tf.clone(p) } : {}) };
        const g = hp.weightDecay > 0 && maskSelects(mask, n, p) ? tf.add(g0, tf.mul(p, hp.weightDecay)) : g0;
        const x0 = hp.momentum === 0 ? tf.add(p, tf.div(s0.s as tf.Tensor, tf.add(tf.pow(s0.sq as tf.Tensor, 1 / 3), hp.epsilon))) : (s0.x0 as tf.Tensor);
        const sq = tf.add(s0.sq as tf.Tensor, tf.mul(tf.square(g), lamb));
        const s = tf.add(s0.s as tf.Tensor, tf.mul(g, lamb));
        const zv = tf.sub(x0, tf.div(s, tf.add(tf.pow(sq, 1 / 3), hp.epsilon)));
        out[n] = hp.momentum === 0 ? tf.sub(zv, p) : tf.mul(tf.sub(zv, p), ck);
        slots[n] = { sq, s, ...(hp.momentum !== 0 ? { x0 } : {}) };
      }
      return [out, { k: k + 1, slots }];
    },
  }),
});
