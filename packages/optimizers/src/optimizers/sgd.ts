import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, maskOf, paramGroupsField, weightDecayMaskField } from '../define-optimizer.js';
import { chain, type GradientTransformation } from '../transform.js';
import { addDecayedWeights } from '../transforms/add-decayed-weights.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';
import { trace } from '../transforms/trace.js';

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and
 * coupled weight decay, exactly as `torch.optim.SGD`.
 *
 * Notation: g gradient, θ parameter, b momentum buffer, η learning rate,
 * μ momentum, d dampening, λ weight decay.
 *
 *   g ← g + λ·θ
 *   b₁ = g;  b_t = μ·b_{t−1} + (1−d)·g            (only when μ > 0)
 *   θ ← θ − η·(g + μ·b)  (nesterov)   or   θ ← θ − η·b
 *
 * = `chain(addDecayedWeights(λ), trace({ decay: μ, dampening: d, nesterov }), scaleByLearningRate(η))`.
 * optax's `sgd` has no dampening and starts the trace at 0 (same as PyTorch when d = 0).
 *
 * @see https://proceedings.mlr.press/v28/sutskever13.html
 */
export const { plugin: sgd, Optimizer: SgdOptimizer } = defineOptimizer({
  name: 'sgd',
  className: 'Tessera.SGD',
  summary: 'SGD with momentum, dampening, Nesterov and coupled weight decay (torch.optim.SGD).',
  paper: { title: 'On the importance of initialization and momentum in deep learning', year: 2013 },
  params: z.strictObject({
    learningRate: learningRateField(1e-3, 'Learning rate η (PyTorch requires it; 1e-3 here).'),
    momentum: z.number().min(0).default(0).describe('Momentum factor μ.'),
    dampening: z.number().min(0).max(1).default(0).describe('Dampening d of the momentum.'),
    nesterov: z.boolean().default(false).describe('Nesterov momentum (needs momentum > 0 and dampening 0).'),
    weightDecay: z.number().min(0).default(0).describe('Coupled L2 weight decay λ (added to the gradient).'),
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build(hp, ctx): GradientTransformation {
    if (hp.nesterov && (hp.momentum <= 0 || hp.dampening !== 0)) {
      throw new RangeError(`optimizer "sgd": nesterov requires momentum > 0 and dampening = 0; got momentum ${hp.momentum}, dampening ${hp.dampening}.`);
    }
    const parts: GradientTransformation[] = [];
    if (hp.weightDecay > 0) parts.push(addDecayedWeights(hp.weightDecay, maskOf(hp.weightDecayMask)));
    if (hp.momentum > 0) parts.push(trace({ decay: hp.momentum, dampening: hp.dampening, nesterov: hp.nesterov }));
    parts.push(scaleByLearningRate(() => ctx.lr()));
    return chain(...parts);
  },
});
