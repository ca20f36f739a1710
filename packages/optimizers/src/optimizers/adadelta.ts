import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, maskOf, paramGroupsField, weightDecayMaskField } from '../define-optimizer.js';
import { chain, perVariable, type GradientTransformation, type StateTree } from '../transform.js';
import { addDecayedWeights } from '../transforms/add-decayed-weights.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';

/**
 * Adadelta (`torch.optim.Adadelta`).
 *
 * Notation: g gradient, s average of g², a average of squared steps, ρ rho.
 *
 *   g ← g + λθ;  s ← ρs + (1−ρ)g²;  Δ = √(a + ε)/√(s + ε)·g;  a ← ρa + (1−ρ)Δ²;  θ ← θ − η·Δ
 *
 * @see https://arxiv.org/abs/1212.5701
 */
export const { plugin: adadelta, Optimizer: AdadeltaOptimizer } = defineOptimizer({
  name: 'adadelta',
  className: 'Tessera.Adadelta',
  summary: 'Adadelta: unit-corrected steps from running averages of g² and Δ² (torch.optim.Adadelta).',
  paper: { title: 'ADADELTA: An Adaptive Learning Rate Method', arxiv: '1212.5701', year: 2012 },
  params: z.strictObject({
    learningRate: learningRateField(1.0, 'Scale η of the step (PyTorch default 1.0).'),
    rho: z.number().min(0).max(1).default(0.9).describe('Decay ρ of the running averages.'),
    epsilon: z.number().min(0).default(1e-6).describe('ε inside both roots.'),
    weightDecay: z.number().min(0).default(0).describe('Coupled L2 weight decay λ.'),
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx) => {
    const { rho, epsilon } = hp;
    const fresh = (g: tf.Tensor): StateTree => ({ sq: tf.zerosLike(g), acc: tf.zerosLike(g) });
    const tx: GradientTransformation = {
      init: () => ({}),
      update(updates, state) {
        const [out, slots] = perVariable(updates, state.slots as StateTree | undefined, fresh, (g, s) => {
          const sq = tf.add(tf.mul(s.sq as tf.Tensor, rho), tf.mul(tf.square(g), 1 - rho));
          const delta = tf.mul(tf.div(tf.sqrt(tf.add(s.acc as tf.Tensor, epsilon)), tf.sqrt(tf.add(sq, epsilon))), g);
          const acc = tf.add(tf.mul(s.acc as tf.Tensor, rho), tf.mul(tf.square(delta), 1 - rho));
          return [delta, { sq, acc }];
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
