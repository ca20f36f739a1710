import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, maskOf, paramGroupsField, weightDecayMaskField } from '../define-optimizer.js';
import { needParams, paramOf, perVariable, type GradientTransformation, type StateTree } from '../transform.js';
import { maskSelects } from '../transforms/add-decayed-weights.js';

/**
 * ADOPT (iShohei220/adopt, with the clipping of its v2 release): the second
 * moment of the *previous* gradients normalises the current one, before momentum.
 *
 * Notation: t per-variable step, v second moment, m momentum, clip(s) = s^0.25.
 *
 *   t = 1: v = g² (no step);  t > 1: n = clip_{±(t−1)^¼}(g / max(√v, ε));  m ← β1m + (1−β1)n;
 *   θ ← θ − η·m;  v ← β2v + (1−β2)g²
 *   weight decay: coupled g ← g + λθ, or decoupled θ ← θ(1 − ηλ) (also on the first step)
 *
 * @see https://arxiv.org/abs/2411.02853
 */
export const { plugin: adopt, Optimizer: AdoptOptimizer } = defineOptimizer({
  name: 'adopt',
  className: 'Tessera.ADOPT',
  summary: 'ADOPT: Adam variant normalising by the previous second moment, converging for any β2 (iShohei220/adopt).',
  paper: { title: 'ADOPT: Modified Adam Can Converge with Any β2 with the Optimal Rate', arxiv: '2411.02853', year: 2024 },
  params: z.strictObject({
    learningRate: learningRateField(1e-3, 'Learning rate η.'),
    beta1: z.number().min(0).lt(1).default(0.9).describe('Decay β1 of the momentum.'),
    beta2: z.number().min(0).lt(1).default(0.9999).describe('Decay β2 of the second moment.'),
    epsilon: z.number().positive().default(1e-6).describe('Floor ε of √v.'),
    clip: z.boolean().default(true).describe('Clip the normalised gradient to ±(t−1)^¼ (reference v2 default).'),
    weightDecay: z.number().min(0).default(0).describe('Weight decay λ.'),
    decouple: z.boolean().default(false).describe('Decoupled decay θ(1 − ηλ) instead of coupled.'),
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx): GradientTransformation => ({
    init: () => ({}),
    update(updates, state, params) {
      const ps = needParams(params, 'adopt');
      const lr = ctx.lr();
      const mask = maskOf(hp.weightDecayMask);
      const [out, slots] = perVariable(
        updates,
        state.slots as StateTree | undefined,
        (g) => ({ m: tf.zerosLike(g), v: tf.zerosLike(g), count: 0 }),
        (g0, s, name) => {
          const t = (s.count as number) + 1;
          const p = paramOf(ps, name, 'adopt');
          const wd = maskSelects(mask, name, p) ? hp.weightDecay : 0;
          const g = wd > 0 && !hp.decouple ? tf.add(g0, tf.mul(p, wd)) : g0;
          const decay = wd > 0 && hp.decouple ? tf.mul(p, -lr * wd) : undefined;
          if (t === 1) {
            const v = tf.square(g);
            return [decay ?? tf.zerosLike(g), { m: s.m, v, count: t }];
          }
          let n = tf.div(g, tf.maximum(tf.sqrt(s.v as tf.Tensor), hp.epsilon));
          if (hp.clip) {
            const c = Math.pow(t - 1, 0.25);
            n = tf.clipByValue(n, -c, c);
          }
          const m = tf.add(tf.mul(s.m as tf.Tensor, hp.beta1), tf.mul(n, 1 - hp.beta1));
          const v = tf.add(tf.mul(s.v as tf.Tensor, hp.beta2), tf.mul(tf.square(g), 1 - hp.beta2));
          const u = tf.mul(m, -lr);
          return [decay ? tf.add(u, decay) : u, { m, v, count: t }];
        },
      );
      return [out, { slots }];
    },
  }),
});
