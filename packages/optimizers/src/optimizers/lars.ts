import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, maskOf, paramGroupsField, weightDecayMaskField } from '../define-optimizer.js';
import { chain } from '../transform.js';
import { addDecayedWeights } from '../transforms/add-decayed-weights.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';
import { scaleByTrustRatio } from '../transforms/scale-by-trust-ratio.js';
import { trace } from '../transforms/trace.js';

/**
 * LARS (optax `lars`): SGD with momentum where each variable's step is
 * rescaled by c·‖θ‖/‖g + λθ‖.
 *
 * Notation: g gradient, θ parameter, c trustCoefficient, b momentum buffer.
 *
 *   u = g + λθ;  u ← c·‖θ‖/(‖u‖ + ε)·u (1 if a norm is 0);  b ← μ·b + η·u;  θ ← θ − b
 *
 * The learning rate is applied before the momentum (optax's order). With
 * `trustRatioMask: 'bias-and-norm'` rank ≤ 1 variables skip the ratio (common in SimCLR/BYOL setups).
 *
 * @see https://arxiv.org/abs/1708.03888
 */
export const { plugin: lars, Optimizer: LarsOptimizer } = defineOptimizer({
  name: 'lars',
  className: 'Tessera.LARS',
  summary: 'LARS: layer-wise adaptive rate scaling of SGD with momentum (optax lars).',
  paper: { title: 'Large Batch Training of Convolutional Networks', arxiv: '1708.03888', year: 2017 },
  params: z.strictObject({
    learningRate: learningRateField(1e-3, 'Learning rate η.'),
    momentum: z.number().min(0).default(0.9).describe('Momentum μ (applied after the learning rate).'),
    nesterov: z.boolean().default(false).describe('Nesterov momentum.'),
    weightDecay: z.number().min(0).default(0).describe('Weight decay λ added before the trust ratio.'),
    trustCoefficient: z.number().positive().default(0.001).describe('Trust coefficient c.'),
    epsilon: z.number().min(0).default(0).describe('ε added to the update norm.'),
    weightDecayMask: weightDecayMaskField,
    trustRatioMask: z.enum(['all', 'bias-and-norm']).default('all').describe("Variables the trust ratio applies to ('bias-and-norm' skips rank ≤ 1)."),
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx) =>
    chain(
      addDecayedWeights(hp.weightDecay, maskOf(hp.weightDecayMask)),
      scaleByTrustRatio({ trustCoefficient: hp.trustCoefficient, epsilon: hp.epsilon, mask: hp.trustRatioMask === 'bias-and-norm' ? (_n, p) => p.rank > 1 : undefined }),
      scaleByLearningRate(() => ctx.lr()),
      ...(hp.momentum > 0 ? [trace({ decay: hp.momentum, nesterov: hp.nesterov })] : []),
    ),
});
