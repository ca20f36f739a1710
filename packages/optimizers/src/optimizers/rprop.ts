import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, paramGroupsField } from '../define-optimizer.js';
import { perVariable, type GradientTransformation, type StateTree } from '../transform.js';

/**
 * Rprop (`torch.optim.Rprop`): sign-based steps with per-coordinate step sizes.
 *
 * Notation: g gradient, p previous (kept) gradient, s step size (starts at η), η⁻/η⁺ etas.
 *
 *   σ = sign(g·p);  s ← clip(s·(η⁺ if σ > 0, η⁻ if σ < 0, 1 otherwise), sMin, sMax)
 *   g ← 0 where σ < 0;  θ ← θ − sign(g)·s;  p ← g
 *
 * The learning rate only sets the initial step sizes (PyTorch); later changes of the rate do not apply.
 *
 * @see https://doi.org/10.1109/ICNN.1993.298623
 */
export const { plugin: rprop, Optimizer: RpropOptimizer } = defineOptimizer({
  name: 'rprop',
  className: 'Tessera.Rprop',
  summary: 'Resilient backpropagation: sign steps with adaptive per-coordinate sizes (torch.optim.Rprop).',
  paper: { title: 'A direct adaptive method for faster backpropagation learning: the RPROP algorithm', year: 1993 },
  params: z.strictObject({
    learningRate: learningRateField(1e-2, 'Initial step size (PyTorch default 1e-2).'),
    etaMinus: z.number().gt(0).lt(1).default(0.5).describe('Step-size factor η⁻ after a sign change.'),
    etaPlus: z.number().gt(1).default(1.2).describe('Step-size factor η⁺ when the sign persists.'),
    stepSizeMin: z.number().min(0).default(1e-6).describe('Smallest step size.'),
    stepSizeMax: z.number().positive().default(50).describe('Largest step size.'),
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx): GradientTransformation => ({
    init: () => ({}),
    update(updates, state) {
      const [out, slots] = perVariable(
        updates,
        state.slots as StateTree | undefined,
        (g) => ({ prev: tf.zerosLike(g), size: tf.fill(g.shape, ctx.lr()) }),
        (g, s) => {
          const sg = tf.sign(tf.mul(g, s.prev as tf.Tensor));
          const factor = tf.where(tf.greater(sg, 0), tf.fill(g.shape, hp.etaPlus), tf.where(tf.less(sg, 0), tf.fill(g.shape, hp.etaMinus), tf.onesLike(g)));
          const size = tf.clipByValue(tf.mul(s.size as tf.Tensor, factor), hp.stepSizeMin, hp.stepSizeMax);
          const kept = tf.where(tf.less(sg, 0), tf.zerosLike(g), g);
          return [tf.neg(tf.mul(tf.sign(kept), size)), { prev: kept, size }];
        },
      );
      return [out, { slots }];
    },
  }),
});
