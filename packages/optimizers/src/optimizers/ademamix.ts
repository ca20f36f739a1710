import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, maskOf, paramGroupsField, weightDecayMaskField } from '../define-optimizer.js';
import { needParams, paramOf, perVariable, type GradientTransformation, type StateTree } from '../transform.js';
import { maskSelects } from '../transforms/add-decayed-weights.js';

const halfLife = (beta: number) => Math.log(0.5) / Math.log(beta + 1e-8) - 1;
const fromHalfLife = (t: number) => Math.pow(0.5, 1 / (t + 1));

/**
 * AdEMAMix (apple/ml-ademamix, PyTorch version): Adam plus a slow EMA of the gradient.
 *
 * Notation: m₁ fast EMA (β1), m₂ slow EMA (β3), v second moment, t per-variable step,
 * α mixing (linear warmup over alphaWarmup steps), β3 warmed up linearly in half-life space.
 *
 *   u = (m₁/(1−β1ᵗ) + α·m₂) / (√v/√(1−β2ᵗ) + ε) + λθ;  θ ← θ − η·u
 *
 * @see https://arxiv.org/abs/2409.03137
 */
export const { plugin: ademamix, Optimizer: AdemamixOptimizer } = defineOptimizer({
  name: 'ademamix',
  className: 'Tessera.AdEMAMix',
  summary: 'AdEMAMix: Adam with an additional slow gradient EMA mixed in (apple/ml-ademamix).',
  paper: { title: 'The AdEMAMix Optimizer: Better, Faster, Older', arxiv: '2409.03137', year: 2024 },
  params: z.strictObject({
    learningRate: learningRateField(1e-3, 'Learning rate η.'),
    beta1: z.number().min(0).lt(1).default(0.9).describe('Decay β1 of the fast EMA.'),
    beta2: z.number().min(0).lt(1).default(0.999).describe('Decay β2 of the second moment.'),
    beta3: z.number().min(0).lt(1).default(0.9999).describe('Decay β3 of the slow EMA.'),
    alpha: z.number().min(0).default(2).describe('Weight α of the slow EMA.'),
    alphaWarmup: z.number().int().min(0).optional().describe('Steps of the linear warmup of α from 0 (reference T_alpha).'),
    beta3Warmup: z.number().int().min(0).optional().describe('Steps of the half-life warmup of β3 from β1 (reference T_beta3).'),
    epsilon: z.number().positive().default(1e-8).describe('ε added to the root.'),
    weightDecay: z.number().min(0).default(0).describe('Decoupled weight decay λ (added to the update).'),
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx): GradientTransformation => ({
    init: () => ({}),
    update(updates, state, params) {
      const ps = needParams(params, 'ademamix');
      const lr = ctx.lr();
      const mask = maskOf(hp.weightDecayMask);
      const [out, slots] = perVariable(
        updates,
        state.slots as StateTree | undefined,
        (g) => ({ m1: tf.zerosLike(g), m2: tf.zerosLike(g), v: tf.zerosLike(g), count: 0 }),
        (g, s, name) => {
          const t = (s.count as number) + 1;
          const alpha = hp.alphaWarmup && t < hp.alphaWarmup ? (t / hp.alphaWarmup) * hp.alpha : hp.alpha;
          const beta3 = hp.beta3Warmup && t < hp.beta3Warmup
            ? fromHalfLife((1 - t / hp.beta3Warmup) * halfLife(hp.beta1) + (t / hp.beta3Warmup) * halfLife(hp.beta3))
            : hp.beta3;
          const m1 = tf.add(tf.mul(s.m1 as tf.Tensor, hp.beta1), tf.mul(g, 1 - hp.beta1));
          const m2 = tf.add(tf.mul(s.m2 as tf.Tensor, beta3), tf.mul(g, 1 - beta3));
          const v = tf.add(tf.mul(s.v as tf.Tensor, hp.beta2), tf.mul(tf.square(g), 1 - hp.beta2));
          const denom = tf.add(tf.mul(tf.sqrt(v), 1 / Math.sqrt(1 - Math.pow(hp.beta2, t))), hp.epsilon);
          let u = tf.div(tf.add(tf.mul(m1, 1 / (1 - Math.pow(hp.beta1, t))), tf.mul(m2, alpha)), denom);
          const p = paramOf(ps, name, 'ademamix');
          if (hp.weightDecay > 0 && maskSelects(mask, name, p)) u = tf.add(u, tf.mul(p, hp.weightDecay));
          return [tf.mul(u, -lr), { m1, m2, v, count: t }];
        },
      );
      return [out, { slots }];
    },
  }),
});
