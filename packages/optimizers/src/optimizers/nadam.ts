import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, maskOf, paramGroupsField, weightDecayMaskField } from '../define-optimizer.js';
import { chain, perVariable, type GradientTransformation, type StateTree } from '../transform.js';
import { addDecayedWeights } from '../transforms/add-decayed-weights.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';

/**
 * NAdam direction with Dozat's momentum schedule, PyTorch 1.13's form.
 *
 * Notation: g gradient, m/v moments, t per-variable step, ψ momentumDecay,
 * μ_t = β1·(1 − ½·0.96^(tψ)), Π_t = Π_{i≤t} μ_i (host numbers).
 *
 *   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  D = √(v/(1−β2ᵗ)) + ε
 *   d = (1−μ_t)/(1−Π_t)·g/D + μ_{t+1}/(1−Π_t·μ_t·μ_{t+1})·m/D
 *
 * The second denominator is PyTorch 1.13's (Π_t·μ_t·μ_{t+1}, μ_t counted twice); PyTorch ≥ 2.0
 * uses Π_t·μ_{t+1}, the paper's form. The difference fades as Π_t → 0. optax's `nadam` uses a constant μ = β1 (no schedule).
 */
export function scaleByNadam(opts: { beta1?: number; beta2?: number; epsilon?: number; momentumDecay?: number } = {}): GradientTransformation {
  const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, momentumDecay = 4e-3 } = opts;
  const fresh = (g: tf.Tensor): StateTree => ({ m: tf.zerosLike(g), v: tf.zerosLike(g), count: 0, muProduct: 1 });
  return {
    init: (params) => ({ slots: Object.fromEntries(Object.entries(params).map(([n, p]) => [n, fresh(p)])) }),
    update(updates, state) {
      const [out, slots] = perVariable(updates, state.slots as StateTree | undefined, fresh, (g, s) => {
        const t = (s.count as number) + 1;
        const mu = beta1 * (1 - 0.5 * Math.pow(0.96, t * momentumDecay));
        const muNext = beta1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * momentumDecay));
        const muProduct = (s.muProduct as number) * mu;
        const m = tf.add(tf.mul(s.m as tf.Tensor, beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(s.v as tf.Tensor, beta2), tf.mul(tf.square(g), 1 - beta2));
        const denom = tf.add(tf.sqrt(tf.mul(v, 1 / (1 - Math.pow(beta2, t)))), epsilon);
        // PyTorch 1.13 multiplies μ_t twice into the next product (fixed in 2.x: Π_t·μ_{t+1}); we match 1.13.
        const muProductNext = muProduct * mu * muNext;
        const num = tf.add(tf.mul(g, (1 - mu) / (1 - muProduct)), tf.mul(m, muNext / (1 - muProductNext)));
        return [tf.div(num, denom), { m, v, count: t, muProduct }];
      });
      return [out, { slots }];
    },
  };
}

/**
 * NAdam (`torch.optim.NAdam`, PyTorch 1.13: coupled weight decay).
 *
 *   g ← g + λθ;  θ ← θ − η·d   (see {@link scaleByNadam})
 *
 * @see https://openreview.net/forum?id=OM0jvwB8jIp57ZJjtNEZ
 */
export const { plugin: nadam, Optimizer: NadamOptimizer } = defineOptimizer({
  name: 'nadam',
  className: 'Tessera.NAdam',
  summary: "NAdam: Adam with Nesterov momentum and Dozat's momentum schedule (torch.optim.NAdam).",
  paper: { title: 'Incorporating Nesterov Momentum into Adam', year: 2016 },
  params: z.strictObject({
    learningRate: learningRateField(2e-3, 'Learning rate η (PyTorch default 2e-3).'),
    beta1: z.number().min(0).lt(1).default(0.9).describe('Decay β1 of the first moment.'),
    beta2: z.number().min(0).lt(1).default(0.999).describe('Decay β2 of the second moment.'),
    epsilon: z.number().min(0).default(1e-8).describe('ε added to the root.'),
    momentumDecay: z.number().min(0).default(4e-3).describe('ψ of the momentum schedule μ_t = β1(1 − ½·0.96^(tψ)).'),
    weightDecay: z.number().min(0).default(0).describe('Coupled L2 weight decay λ.'),
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx) =>
    chain(
      ...(hp.weightDecay > 0 ? [addDecayedWeights(hp.weightDecay, maskOf(hp.weightDecayMask))] : []),
      scaleByNadam(hp),
      scaleByLearningRate(() => ctx.lr()),
    ),
});
