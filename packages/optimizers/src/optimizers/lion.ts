import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, maskOf, paramGroupsField, weightDecayMaskField } from '../define-optimizer.js';
import { chain, perVariable, type GradientTransformation, type StateTree } from '../transform.js';
import { addDecayedWeights } from '../transforms/add-decayed-weights.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';

/**
 * Lion direction (optax `scale_by_lion`).
 *
 * Notation: g gradient, m momentum.   d = sign(β1·m + (1−β1)·g);  m ← β2·m + (1−β2)·g
 */
export function scaleByLion(opts: { beta1?: number; beta2?: number } = {}): GradientTransformation {
  const { beta1 = 0.9, beta2 = 0.99 } = opts;
  return {
    init: () => ({}),
    update(updates, state) {
      const [out, slots] = perVariable(updates, state.slots as StateTree | undefined, (g) => ({ m: tf.zerosLike(g) }), (g, s) => {
        const m = s.m as tf.Tensor;
        const d = tf.sign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        return [d, { m: tf.add(tf.mul(m, beta2), tf.mul(g, 1 - beta2)) }];
      });
      return [out, { slots }];
    },
  };
}

/**
 * Lion, EvoLved Sign Momentum (official google/automl `lion_pytorch.py`).
 *
 *   θ ← θ − η·λ·θ − η·sign(β1·m + (1−β1)·g);  m ← β2·m + (1−β2)·g
 *
 * Defaults are the official code's (lr 1e-4, weightDecay 0); optax's `lion` defaults weight decay to 1e-3.
 *
 * @see https://arxiv.org/abs/2302.06675
 */
export const { plugin: lion, Optimizer: LionOptimizer } = defineOptimizer({
  name: 'lion',
  className: 'Tessera.Lion',
  summary: 'Lion: sign of an interpolated momentum, decoupled weight decay (google/automl).',
  paper: { title: 'Symbolic Discovery of Optimization Algorithms', arxiv: '2302.06675', year: 2023 },
  params: z.strictObject({
    learningRate: learningRateField(1e-4, 'Learning rate η (official default 1e-4; 3–10× smaller than AdamW).'),
    beta1: z.number().min(0).max(1).default(0.9).describe('Interpolation β1 for the update direction.'),
    beta2: z.number().min(0).max(1).default(0.99).describe('Decay β2 of the momentum.'),
    weightDecay: z.number().min(0).default(0).describe('Decoupled weight decay λ (θ ← θ − η·λ·θ).'),
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx) => chain(scaleByLion(hp), addDecayedWeights(hp.weightDecay, maskOf(hp.weightDecayMask)), scaleByLearningRate(() => ctx.lr())),
});
