import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, maskOf, paramGroupsField, weightDecayMaskField } from '../define-optimizer.js';
import { chain, perVariable, type GradientTransformation, type StateTree } from '../transform.js';
import { addDecayedWeights } from '../transforms/add-decayed-weights.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';

/**
 * AdaMax direction (Adam with the infinity norm), PyTorch's form.
 *
 * Notation: g gradient, m first moment, u infinity-norm accumulator, t per-variable step.
 *
 *   m ← β1·m + (1−β1)·g;  u ← max(β2·u, |g| + ε);  d = m / ((1−β1ᵗ)·u)
 *
 * PyTorch adds ε inside the max (the paper has none); optax's `scale_by_adamax` adds ε to u afterwards.
 */
export function scaleByAdamax(opts: { beta1?: number; beta2?: number; epsilon?: number } = {}): GradientTransformation {
  const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 } = opts;
  const fresh = (g: tf.Tensor): StateTree => ({ m: tf.zerosLike(g), u: tf.zerosLike(g), count: 0 });
  return {
    init: (params) => ({ slots: Object.fromEntries(Object.entries(params).map(([n, p]) => [n, fresh(p)])) }),
    update(updates, state) {
      const [out, slots] = perVariable(updates, state.slots as StateTree | undefined, fresh, (g, s) => {
        const t = (s.count as number) + 1;
        const m = tf.add(tf.mul(s.m as tf.Tensor, beta1), tf.mul(g, 1 - beta1));
        const u = tf.maximum(tf.mul(s.u as tf.Tensor, beta2), tf.add(tf.abs(g), epsilon));
        return [tf.div(tf.mul(m, 1 / (1 - Math.pow(beta1, t))), u), { m, u, count: t }];
      });
      return [out, { slots }];
    },
  };
}

/**
 * AdaMax (`torch.optim.Adamax`).
 *
 *   g ← g + λθ;  θ ← θ − η·m / ((1−β1ᵗ)·u)   (see {@link scaleByAdamax})
 *
 * @see https://arxiv.org/abs/1412.6980
 */
export const { plugin: adamax, Optimizer: AdamaxOptimizer } = defineOptimizer({
  name: 'adamax',
  className: 'Tessera.Adamax',
  summary: 'AdaMax: Adam with the infinity norm (torch.optim.Adamax).',
  paper: { title: 'Adam: A Method for Stochastic Optimization', arxiv: '1412.6980', year: 2014 },
  params: z.strictObject({
    learningRate: learningRateField(2e-3, 'Learning rate η (PyTorch default 2e-3).'),
    beta1: z.number().min(0).lt(1).default(0.9).describe('Decay β1 of the first moment.'),
    beta2: z.number().min(0).lt(1).default(0.999).describe('Decay β2 of the infinity norm.'),
    epsilon: z.number().min(0).default(1e-8).describe('ε added to |g| inside the max (PyTorch).'),
    weightDecay: z.number().min(0).default(0).describe('Coupled L2 weight decay λ.'),
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx) =>
    chain(
      ...(hp.weightDecay > 0 ? [addDecayedWeights(hp.weightDecay, maskOf(hp.weightDecayMask))] : []),
      scaleByAdamax(hp),
      scaleByLearningRate(() => ctx.lr()),
    ),
});
