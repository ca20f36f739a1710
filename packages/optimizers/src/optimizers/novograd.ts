import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, paramGroupsField } from '../define-optimizer.js';
import { chain, needParams, paramOf, perVariable, type GradientTransformation, type StateTree } from '../transform.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';

/**
 * NovoGrad direction (optax `scale_by_novograd`): a per-layer (per-variable)
 * second moment of the gradient norm.
 *
 * Notation: g gradient of one variable, ν scalar per variable, m momentum, first step t = 1.
 *
 *   t = 1: ν = ‖g‖², m = g/(√ν + ε) + λθ
 *   t > 1: ν ← β2ν + (1−β2)‖g‖²;  m ← β1·m + g/(√ν + ε) + λθ
 *
 * Note: optax's momentum has no (1 − β1) factor; the paper's has.
 */
export function scaleByNovograd(opts: { beta1?: number; beta2?: number; epsilon?: number; weightDecay?: number } = {}): GradientTransformation {
  const { beta1 = 0.9, beta2 = 0.25, epsilon = 1e-6, weightDecay = 0 } = opts;
  return {
    init: () => ({}),
    update(updates, state, params) {
      const ps = weightDecay > 0 ? needParams(params, 'novograd') : undefined;
      const [out, slots] = perVariable(updates, state.slots as StateTree | undefined, (g): StateTree => ({ m: tf.zerosLike(g), nu: tf.scalar(0), count: 0 }), (g, s, name) => {
        const first = (s.count as number) === 0;
        const sq = tf.sum(tf.square(g));
        const nu = first ? sq : tf.add(tf.mul(s.nu as tf.Tensor, beta2), tf.mul(sq, 1 - beta2));
        let a = tf.div(g, tf.add(tf.sqrt(nu), epsilon));
        if (ps) a = tf.add(a, tf.mul(paramOf(ps, name, 'novograd'), weightDecay));
        const m = first ? a : tf.add(tf.mul(s.m as tf.Tensor, beta1), a);
        return [m, { m, nu, count: (s.count as number) + 1 }];
      });
      return [out, { slots }];
    },
  };
}

/**
 * NovoGrad (optax `novograd`): layer-wise normalised gradients with momentum.
 *
 *   θ ← θ − η·m   (see {@link scaleByNovograd})
 *
 * @see https://arxiv.org/abs/1905.11286
 */
export const { plugin: novograd, Optimizer: NovogradOptimizer } = defineOptimizer({
  name: 'novograd',
  className: 'Tessera.NovoGrad',
  summary: 'NovoGrad: per-layer second moment of the gradient norm, momentum on normalised gradients (optax novograd).',
  paper: { title: 'Stochastic Gradient Methods with Layer-wise Adaptive Moments for Training of Deep Networks', arxiv: '1905.11286', year: 2019 },
  params: z.strictObject({
    learningRate: learningRateField(1e-3, 'Learning rate η.'),
    beta1: z.number().min(0).lt(1).default(0.9).describe('Momentum β1 (no (1 − β1) factor, as optax).'),
    beta2: z.number().min(0).lt(1).default(0.25).describe('Decay β2 of the per-variable squared norm.'),
    epsilon: z.number().min(0).default(1e-6).describe('ε added to the root.'),
    weightDecay: z.number().min(0).default(0).describe('Weight decay λ added to the normalised gradient.'),
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx) => chain(scaleByNovograd(hp), scaleByLearningRate(() => ctx.lr())),
});
