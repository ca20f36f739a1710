import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, paramGroupsField } from '../define-optimizer.js';
import { needParams, paramOf, perVariable, type GradientTransformation, type StateTree, type TensorRecord } from '../transform.js';

/**
 * Averaged SGD (`torch.optim.ASGD`, PyTorch 1.13).
 *
 * Notation: g gradient, η_t step (starts at the learning rate), μ_t averaging weight, ā average, t per-variable step.
 *
 *   g ← g + λθ;  θ ← θ·(1 − λ_d·η_t) − η_t·g;  ā ← θ if μ_t = 1 else ā + μ_t(θ − ā)
 *   η_{t+1} = lr/(1 + λ_d·lr·t)^α;  μ_{t+1} = 1/max(1, t − t₀)
 *
 * The averaged parameters are in the state (`slots.<name>.ax`); {@link asgdAverage} reads them.
 *
 * @see https://doi.org/10.1137/0330046
 */
export const { plugin: asgd, Optimizer: AsgdOptimizer } = defineOptimizer({
  name: 'asgd',
  className: 'Tessera.ASGD',
  summary: 'Averaged SGD with a decaying step and Polyak averaging (torch.optim.ASGD).',
  paper: { title: 'Acceleration of Stochastic Approximation by Averaging', year: 1992 },
  params: z.strictObject({
    learningRate: learningRateField(1e-2, 'Learning rate (PyTorch default 1e-2).'),
    lambd: z.number().min(0).default(1e-4).describe('Decay term λ_d.'),
    alpha: z.number().min(0).default(0.75).describe('Power α of the step decay.'),
    t0: z.number().min(0).default(1e6).describe('Step at which averaging starts.'),
    weightDecay: z.number().min(0).default(0).describe('Coupled L2 weight decay λ.'),
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx): GradientTransformation => ({
    init: () => ({}),
    update(updates, state, params) {
      const ps = needParams(params, 'asgd');
      const [out, slots] = perVariable(
        updates,
        state.slots as StateTree | undefined,
        (g) => ({ ax: tf.zerosLike(g), eta: ctx.lr(), mu: 1, count: 0 }),
        (g, s, name) => {
          const p = paramOf(ps, name, 'asgd');
          const t = (s.count as number) + 1;
          const eta = s.eta as number;
          const mu = s.mu as number;
          const grad = hp.weightDecay > 0 ? tf.add(g, tf.mul(p, hp.weightDecay)) : g;
          const u = tf.sub(tf.mul(p, -hp.lambd * eta), tf.mul(grad, eta));
          const newP = tf.add(p, u);
          const ax = mu !== 1 ? tf.add(s.ax as tf.Tensor, tf.mul(tf.sub(newP, s.ax as tf.Tensor), mu)) : newP;
          const lr = ctx.lr();
          return [u, { ax, eta: lr / Math.pow(1 + hp.lambd * lr * t, hp.alpha), mu: 1 / Math.max(1, t - hp.t0), count: t }];
        },
      );
      return [out as TensorRecord, { slots }];
    },
  }),
});
