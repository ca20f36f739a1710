import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, maskOf, paramGroupsField, weightDecayMaskField } from '../define-optimizer.js';
import { chain, perVariable, type GradientTransformation, type StateTree } from '../transform.js';
import { addDecayedWeights } from '../transforms/add-decayed-weights.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';

/**
 * Adagrad (`torch.optim.Adagrad`).
 *
 * Notation: g gradient, s sum of squared gradients (starts at initialAccumulatorValue), t per-variable step.
 *
 *   g ← g + λθ;  s ← s + g²;  θ ← θ − η/(1 + (t−1)·lrDecay) · g/(√s + ε)
 *
 * optax's `adagrad` puts ε inside the root and starts at 0.1.
 *
 * @see https://jmlr.org/papers/v12/duchi11a.html
 */
export const { plugin: adagrad, Optimizer: AdagradOptimizer } = defineOptimizer({
  name: 'adagrad',
  className: 'Tessera.Adagrad',
  summary: 'Adagrad: per-coordinate rates from the sum of squared gradients (torch.optim.Adagrad).',
  paper: { title: 'Adaptive Subgradient Methods for Online Learning and Stochastic Optimization', year: 2011 },
  params: z.strictObject({
    learningRate: learningRateField(1e-2, 'Learning rate η (PyTorch default 1e-2).'),
    lrDecay: z.number().min(0).default(0).describe('Learning-rate decay: η/(1 + (t−1)·lrDecay).'),
    weightDecay: z.number().min(0).default(0).describe('Coupled L2 weight decay λ.'),
    initialAccumulatorValue: z.number().min(0).default(0).describe('Initial value of the sum of squares.'),
    epsilon: z.number().min(0).default(1e-10).describe('ε added to √s.'),
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx) => {
    const fresh = (g: tf.Tensor): StateTree => ({ sum: hp.initialAccumulatorValue === 0 ? tf.zerosLike(g) : tf.fill(g.shape, hp.initialAccumulatorValue), count: 0 });
    const tx: GradientTransformation = {
      init: () => ({}),
      update(updates, state) {
        const [out, slots] = perVariable(updates, state.slots as StateTree | undefined, fresh, (g, s) => {
          const t = (s.count as number) + 1;
          const sum = tf.add(s.sum as tf.Tensor, tf.square(g));
          const d = tf.div(tf.mul(g, 1 / (1 + (t - 1) * hp.lrDecay)), tf.add(tf.sqrt(sum), hp.epsilon));
          return [d, { sum, count: t }];
        });
        return [out, { slots }];
      },
    };
    return chain(
      ...(hp.weightDecay > 0 ? [addDecayedWeights(hp.weightDecay, maskOf(hp.weightDecayMask))] : []),
      tx,
      scaleByLearningRate(() => ctx.lr()),
    );
  },
});
