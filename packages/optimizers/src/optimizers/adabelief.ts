import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, maskOf, paramGroupsField, weightDecayMaskField } from '../define-optimizer.js';
import { chain, perVariable, type GradientTransformation, type StateTree } from '../transform.js';
import { addDecayedWeights } from '../transforms/add-decayed-weights.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';

/**
 * AdaBelief direction (optax `scale_by_belief`): the second moment tracks the
 * squared deviation of g from its running mean (the "belief").
 *
 * Notation: g gradient, m mean, s belief variance, t per-variable step.
 *
 *   e = g − m_old;  m ← β1m + (1−β1)g;  s ← β2s + (1−β2)e² + ε_root
 *   d = (m/(1−β1ᵗ)) / (√(s/(1−β2ᵗ)) + ε)
 *
 * optax uses the previous mean in the prediction error; the official
 * adabelief-pytorch uses the updated mean and adds ε after the decay (and
 * optionally rectifies as RAdam) — see the README.
 */
export function scaleByBelief(opts: { beta1?: number; beta2?: number; epsilon?: number; epsRoot?: number } = {}): GradientTransformation {
  const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-16, epsRoot = 1e-16 } = opts;
  const fresh = (g: tf.Tensor): StateTree => ({ m: tf.zerosLike(g), s: tf.zerosLike(g), count: 0 });
  return {
    init: () => ({}),
    update(updates, state) {
      const [out, slots] = perVariable(updates, state.slots as StateTree | undefined, fresh, (g, st) => {
        const t = (st.count as number) + 1;
        const e = tf.sub(g, st.m as tf.Tensor);
        const m = tf.add(tf.mul(st.m as tf.Tensor, beta1), tf.mul(g, 1 - beta1));
        const s = tf.add(tf.add(tf.mul(st.s as tf.Tensor, beta2), tf.mul(tf.square(e), 1 - beta2)), epsRoot);
        const d = tf.div(tf.mul(m, 1 / (1 - Math.pow(beta1, t))), tf.add(tf.sqrt(tf.mul(s, 1 / (1 - Math.pow(beta2, t)))), epsilon));
        return [d, { m, s, count: t }];
      });
      return [out, { slots }];
    },
  };
}

/**
 * AdaBelief (optax `adabelief`, with optional decoupled weight decay as in the official `weight_decouple=True`).
 *
 *   θ ← θ − η·(d + λθ)   (see {@link scaleByBelief})
 *
 * @see https://arxiv.org/abs/2010.07468
 */
export const { plugin: adabelief, Optimizer: AdabeliefOptimizer } = defineOptimizer({
  name: 'adabelief',
  className: 'Tessera.AdaBelief',
  summary: 'AdaBelief: Adam whose second moment is the variance of g around its EMA (optax adabelief).',
  paper: { title: 'AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed Gradients', arxiv: '2010.07468', year: 2020 },
  params: z.strictObject({
    learningRate: learningRateField(1e-3, 'Learning rate η.'),
    beta1: z.number().min(0).lt(1).default(0.9).describe('Decay β1 of the mean.'),
    beta2: z.number().min(0).lt(1).default(0.999).describe('Decay β2 of the belief variance.'),
    epsilon: z.number().min(0).default(1e-16).describe('ε added to the root (official default 1e-16).'),
    epsRoot: z.number().min(0).default(1e-16).describe('ε added to the belief variance each step.'),
    weightDecay: z.number().min(0).default(0).describe('Decoupled weight decay λ.'),
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx) => chain(scaleByBelief(hp), addDecayedWeights(hp.weightDecay, maskOf(hp.weightDecayMask)), scaleByLearningRate(() => ctx.lr())),
});
