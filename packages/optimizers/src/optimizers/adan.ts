import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, maskOf, paramGroupsField, weightDecayMaskField } from '../define-optimizer.js';
import { needParams, paramOf, perVariable, type GradientTransformation, type StateTree, type TensorRecord } from '../transform.js';
import { maskSelects } from '../transforms/add-decayed-weights.js';

/**
 * Adan, adaptive Nesterov momentum (official sail-sg/Adan `adan.py`, single-tensor path).
 *
 * Notation: g gradient, Δ = g − g_prev (0 at a variable's first step), k group step (1-based),
 * β1, β2, β3 the code's betas (weights of the old values).
 *
 *   m ← β1m + (1−β1)g;  v ← β2v + (1−β2)Δ;  n ← β3n + (1−β3)(g + β2Δ)²
 *   u = (m/(1−β1ᵏ) + β2·v/(1−β2ᵏ)) / (√n/√(1−β3ᵏ) + ε)
 *   θ ← (θ − η·u)/(1 + ηλ)    (noProx: θ ← θ(1 − ηλ) − η·u)
 *
 * The step k is the group's (official), not per variable. optax's `adan`
 * weights Δ by (1 − β2) where the official code uses β2.
 *
 * @see https://arxiv.org/abs/2208.06677
 */
export const { plugin: adan, Optimizer: AdanOptimizer } = defineOptimizer({
  name: 'adan',
  className: 'Tessera.Adan',
  summary: 'Adan: adaptive Nesterov momentum with gradient differences (sail-sg/Adan).',
  paper: { title: 'Adan: Adaptive Nesterov Momentum Algorithm for Faster Optimizing Deep Models', arxiv: '2208.06677', year: 2022 },
  params: z.strictObject({
    learningRate: learningRateField(1e-3, 'Learning rate η.'),
    beta1: z.number().min(0).lt(1).default(0.98).describe('Decay β1 of the gradient average.'),
    beta2: z.number().min(0).lt(1).default(0.92).describe('Decay β2 of the gradient-difference average (and its weight).'),
    beta3: z.number().min(0).lt(1).default(0.99).describe('Decay β3 of the second moment.'),
    epsilon: z.number().min(0).default(1e-8).describe('ε added to the root.'),
    weightDecay: z.number().min(0).default(0).describe('Weight decay λ (proximal by default).'),
    noProx: z.boolean().default(false).describe('Decoupled decay θ(1 − ηλ) instead of the proximal θ/(1 + ηλ).'),
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx): GradientTransformation => ({
    init: () => ({ count: 0 }),
    update(updates, state, params) {
      const ps = needParams(params, 'adan');
      const k = ((state.count as number | undefined) ?? 0) + 1;
      const { beta1: b1, beta2: b2, beta3: b3 } = hp;
      const bc1 = 1 - Math.pow(b1, k), bc2 = 1 - Math.pow(b2, k), bc3 = 1 - Math.pow(b3, k);
      const lr = ctx.lr();
      const [out, slots] = perVariable(
        updates,
        state.slots as StateTree | undefined,
        (g) => ({ m: tf.zerosLike(g), v: tf.zerosLike(g), n: tf.zerosLike(g), prev: tf.clone(g) }),
        (g, s, name) => {
          const p = paramOf(ps, name, 'adan');
          const diff = tf.sub(g, s.prev as tf.Tensor);
          const m = tf.add(tf.mul(s.m as tf.Tensor, b1), tf.mul(g, 1 - b1));
          const v = tf.add(tf.mul(s.v as tf.Tensor, b2), tf.mul(diff, 1 - b2));
          const n = tf.add(tf.mul(s.n as tf.Tensor, b3), tf.mul(tf.square(tf.add(g, tf.mul(diff, b2))), 1 - b3));
          const denom = tf.add(tf.mul(tf.sqrt(n), 1 / Math.sqrt(bc3)), hp.epsilon);
          const u = tf.div(tf.add(tf.mul(m, 1 / bc1), tf.mul(v, b2 / bc2)), denom);
          const wd = maskSelects(maskOf(hp.weightDecayMask), name, p) ? hp.weightDecay : 0;
          const newP = hp.noProx ? tf.sub(tf.mul(p, 1 - lr * wd), tf.mul(u, lr)) : tf.div(tf.sub(p, tf.mul(u, lr)), 1 + lr * wd);
          return [tf.sub(newP, p), { m, v, n, prev: tf.clone(g) }];
        },
      );
      return [out as TensorRecord, { count: k, slots }];
    },
  }),
});
