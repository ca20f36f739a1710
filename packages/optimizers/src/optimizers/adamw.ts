import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, maskOf, paramGroupsField, weightDecayMaskField } from '../define-optimizer.js';
import { chain } from '../transform.js';
import { scaleByAdam } from '../transforms/scale-by-adam.js';
import { adamFields } from './adam.js';

/**
 * AdamW: Adam with decoupled weight decay (`torch.optim.AdamW`).
 *
 * Notation: as {@link adam}.
 *
 *   θ ← θ − η·λ·θ − η·(m/(1−β1ᵗ)) / (√v/√(1−β2ᵗ) + ε)
 *
 * = `chain(scaleByAdam(β1, β2, ε), addDecayedWeights(λ, mask), scaleByLearningRate(η))`,
 * optax's `adamw`. The decay is scaled by the learning rate (PyTorch and optax),
 * not by the schedule multiplier only (the paper's η_t·λ with a separate α).
 * PyTorch's default λ is 0.01 (optax 1e-4).
 *
 * @see https://arxiv.org/abs/1711.05101
 */
export const { plugin: adamw, Optimizer: AdamWOptimizer } = defineOptimizer({
  name: 'adamw',
  className: 'Tessera.AdamW',
  summary: 'Adam with decoupled weight decay θ ← θ − lr·λ·θ (torch.optim.AdamW).',
  paper: { title: 'Decoupled Weight Decay Regularization', arxiv: '1711.05101', year: 2017 },
  params: z.strictObject({
    learningRate: learningRateField(1e-3, 'Learning rate η.'),
    ...adamFields,
    weightDecay: z.number().min(0).default(0.01).describe('Decoupled weight decay λ (θ ← θ − η·λ·θ; PyTorch default 0.01).'),
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  // The chain above with its three parts fused into scaleByAdam: one kernel per variable on cpu
  // and wasm (core's adamUpdate), the same arithmetic otherwise (tested equal to the chain).
  build: (hp, ctx) =>
    chain(
      scaleByAdam({
        beta1: hp.beta1,
        beta2: hp.beta2,
        epsilon: hp.epsilon,
        amsgrad: hp.amsgrad,
        fusedLearningRate: () => ctx.lr(),
        fusedWeightDecay: { rate: hp.weightDecay, mask: maskOf(hp.weightDecayMask) },
      }),
    ),
});
