import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, maskOf, paramGroupsField, weightDecayMaskField } from '../define-optimizer.js';
import { chain, type GradientTransformation } from '../transform.js';
import { addDecayedWeights } from '../transforms/add-decayed-weights.js';
import { scaleByAdam } from '../transforms/scale-by-adam.js';

/** Hyperparameter fields shared by adam and adamw. */
export const adamFields = {
  beta1: z.number().min(0).lt(1).default(0.9).describe('Decay β1 of the first moment.'),
  beta2: z.number().min(0).lt(1).default(0.999).describe('Decay β2 of the second moment.'),
  epsilon: z.number().min(0).default(1e-8).describe('ε added to √v̂ (PyTorch 1e-8; tf.train.adam uses 1e-7).'),
  amsgrad: z.boolean().default(false).describe('AMSGrad: use the running maximum of v (PyTorch form).'),
};

/**
 * Adam with PyTorch's coupled weight decay (`torch.optim.Adam`).
 *
 * Notation: g gradient, θ parameter, m/v moments, t per-variable step, η learning rate, λ weight decay.
 *
 *   g ← g + λ·θ;  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
 *   θ ← θ − η·(m/(1−β1ᵗ)) / (√v/√(1−β2ᵗ) + ε)
 *
 * = `chain(addDecayedWeights(λ), scaleByAdam(β1, β2, ε), scaleByLearningRate(η))`, with the
 * learning rate fused into the Adam kernel chain (m·(−η√(1−β2ᵗ)/(1−β1ᵗ))/(√v + ε√(1−β2ᵗ)), the
 * same quantity with 2 fewer full-size ops per variable; ~12 per variable, as tf.train.adam's 14).
 * tf.train.adam defaults ε to 1e-7 and has no weight decay; optax's `adam`
 * has no weight decay (use `adamw`).
 *
 * @see https://arxiv.org/abs/1412.6980
 */
export const { plugin: adam, Optimizer: AdamOptimizer } = defineOptimizer({
  name: 'adam',
  className: 'Tessera.Adam',
  summary: 'Adam with coupled L2 weight decay and AMSGrad (torch.optim.Adam).',
  paper: { title: 'Adam: A Method for Stochastic Optimization', arxiv: '1412.6980', year: 2014 },
  params: z.strictObject({
    learningRate: learningRateField(1e-3, 'Learning rate η.'),
    ...adamFields,
    weightDecay: z.number().min(0).default(0).describe('Coupled L2 weight decay λ (added to the gradient, PyTorch Adam).'),
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build(hp, ctx): GradientTransformation {
    const parts: GradientTransformation[] = [];
    if (hp.weightDecay > 0) parts.push(addDecayedWeights(hp.weightDecay, maskOf(hp.weightDecayMask)));
    // scaleByLearningRate fused into scaleByAdam (same math, fewer full-size ops: the benchmarked step).
    parts.push(scaleByAdam({ beta1: hp.beta1, beta2: hp.beta2, epsilon: hp.epsilon, amsgrad: hp.amsgrad, fusedLearningRate: () => ctx.lr() }));
    return chain(...parts);
  },
});
