import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, maskOf, paramGroupsField, weightDecayMaskField } from '../define-optimizer.js';
import { chain, perVariable, type GradientTransformation, type StateTree } from '../transform.js';
import { addDecayedWeights } from '../transforms/add-decayed-weights.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';

/**
 * Rectified Adam direction, PyTorch 1.13's form.
 *
 * Notation: m/v moments, t per-variable step, ρ∞ = 2/(1−β2) − 1, ρ_t = ρ∞ − 2tβ2ᵗ/(1−β2ᵗ).
 *
 *   m̂ = m/(1−β1ᵗ);  ρ_t > 5: d = m̂·r_t·√(1−β2ᵗ)/(√v + ε),  r_t = √((ρ_t−4)(ρ_t−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρ_t));  else d = m̂
 *
 * optax's `scale_by_radam` puts ε after bias correction and switches at ρ_t ≥ 5 (`threshold`); PyTorch at > 5.
 */
export function scaleByRadam(opts: { beta1?: number; beta2?: number; epsilon?: number } = {}): GradientTransformation {
  const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 } = opts;
  const rhoInf = 2 / (1 - beta2) - 1;
  const fresh = (g: tf.Tensor): StateTree => ({ m: tf.zerosLike(g), v: tf.zerosLike(g), count: 0 });
  return {
    init: (params) => ({ slots: Object.fromEntries(Object.entries(params).map(([n, p]) => [n, fresh(p)])) }),
    update(updates, state) {
      const [out, slots] = perVariable(updates, state.slots as StateTree | undefined, fresh, (g, s) => {
        const t = (s.count as number) + 1;
        const m = tf.add(tf.mul(s.m as tf.Tensor, beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(s.v as tf.Tensor, beta2), tf.mul(tf.square(g), 1 - beta2));
        const bc2 = 1 - Math.pow(beta2, t);
        const rho = rhoInf - (2 * t * Math.pow(beta2, t)) / bc2;
        const mHat = tf.mul(m, 1 / (1 - Math.pow(beta1, t)));
        let d: tf.Tensor = mHat;
        if (rho > 5) {
          const rect = Math.sqrt(((rho - 4) * (rho - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho));
          d = tf.div(tf.mul(mHat, rect * Math.sqrt(bc2)), tf.add(tf.sqrt(v), epsilon));
        }
        return [d, { m, v, count: t }];
      });
      return [out, { slots }];
    },
  };
}

/**
 * RAdam (`torch.optim.RAdam`, PyTorch 1.13: coupled weight decay).
 *
 * @see https://arxiv.org/abs/1908.03265
 */
export const { plugin: radam, Optimizer: RadamOptimizer } = defineOptimizer({
  name: 'radam',
  className: 'Tessera.RAdam',
  summary: 'Rectified Adam: SGD with momentum until the variance estimate is reliable (torch.optim.RAdam).',
  paper: { title: 'On the Variance of the Adaptive Learning Rate and Beyond', arxiv: '1908.03265', year: 2019 },
  params: z.strictObject({
    learningRate: learningRateField(1e-3, 'Learning rate η.'),
    beta1: z.number().min(0).lt(1).default(0.9).describe('Decay β1 of the first moment.'),
    beta2: z.number().min(0).lt(1).default(0.999).describe('Decay β2 of the second moment.'),
    epsilon: z.number().min(0).default(1e-8).describe('ε added to √v.'),
    weightDecay: z.number().min(0).default(0).describe('Coupled L2 weight decay λ.'),
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx) =>
    chain(
      ...(hp.weightDecay > 0 ? [addDecayedWeights(hp.weightDecay, maskOf(hp.weightDecayMask))] : []),
      scaleByRadam(hp),
      scaleByLearningRate(() => ctx.lr()),
    ),
});
