import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, maskOf, paramGroupsField, weightDecayMaskField } from '../define-optimizer.js';
import { chain } from '../transform.js';
import { addDecayedWeights } from '../transforms/add-decayed-weights.js';
import { scaleByAdam } from '../transforms/scale-by-adam.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';
import { scaleByTrustRatio } from '../transforms/scale-by-trust-ratio.js';

/**
 * LAMB (optax `lamb`): Adam direction plus decoupled decay, rescaled per
 * variable by the trust ratio ‖θ‖/‖u‖.
 *
 * Notation: as adam; r trust ratio.
 *
 *   u = m̂/(√v̂ + ε) + λθ;  r = ‖θ‖/‖u‖ (1 if either is 0);  θ ← θ − η·r·u
 *
 * = `chain(scaleByAdam, addDecayedWeights(λ), scaleByTrustRatio(), scaleByLearningRate(η))`.
 * timm's `Lamb` adds gradient clipping and grad averaging options; NVIDIA's
 * apex version clips the global norm first.
 *
 * @see https://arxiv.org/abs/1904.00962
 */
export const { plugin: lamb, Optimizer: LambOptimizer } = defineOptimizer({
  name: 'lamb',
  className: 'Tessera.LAMB',
  summary: 'LAMB: Adam with decoupled decay and a layer-wise trust ratio (optax lamb).',
  paper: { title: 'Large Batch Optimization for Deep Learning: Training BERT in 76 minutes', arxiv: '1904.00962', year: 2019 },
  params: z.strictObject({
    learningRate: learningRateField(1e-3, 'Learning rate η.'),
    beta1: z.number().min(0).lt(1).default(0.9).describe('Decay β1 of the first moment.'),
    beta2: z.number().min(0).lt(1).default(0.999).describe('Decay β2 of the second moment.'),
    epsilon: z.number().min(0).default(1e-6).describe('ε added to √v̂ (optax default 1e-6).'),
    weightDecay: z.number().min(0).default(0).describe('Decoupled weight decay λ, inside the trust ratio.'),
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx) =>
    chain(
      scaleByAdam({ beta1: hp.beta1, beta2: hp.beta2, epsilon: hp.epsilon }),
      addDecayedWeights(hp.weightDecay, maskOf(hp.weightDecayMask)),
      scaleByTrustRatio(),
      scaleByLearningRate(() => ctx.lr()),
    ),
});
