import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, maskOf, paramGroupsField, weightDecayMaskField } from '../define-optimizer.js';
import { chain } from '../transform.js';
import { addDecayedWeights } from '../transforms/add-decayed-weights.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';
import { scaleByRms } from '../transforms/scale-by-rms.js';
import { trace } from '../transforms/trace.js';

/**
 * RMSprop (`torch.optim.RMSprop`); `rho` is PyTorch's `alpha`.
 *
 * Notation: g gradient, s average of g², ḡ average of g (centered), b momentum buffer.
 *
 *   g ← g + λθ;  s ← ρs + (1−ρ)g²;  D = √(s − ḡ²) + ε (centered) or √s + ε
 *   b ← μb + g/D;  θ ← θ − η·b      (μ = 0: θ ← θ − η·g/D)
 *
 * = `chain(addDecayedWeights(λ), scaleByRms({ decay: ρ, epsInSqrt: false, centered }), trace(μ), scaleByLearningRate(η))`.
 * optax's `rmsprop` puts ε inside the root (and defaults decay to 0.9).
 *
 * @see https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf
 */
export const { plugin: rmsprop, Optimizer: RmspropOptimizer } = defineOptimizer({
  name: 'rmsprop',
  className: 'Tessera.RMSprop',
  summary: 'RMSprop with optional momentum and centering (torch.optim.RMSprop).',
  paper: { title: 'Lecture 6.5 — RMSprop (Tieleman & Hinton)', year: 2012 },
  params: z.strictObject({
    learningRate: learningRateField(1e-2, 'Learning rate η (PyTorch default 1e-2).'),
    rho: z.number().min(0).lt(1).default(0.99).describe("Decay ρ of the squared-gradient average (PyTorch's alpha)."),
    epsilon: z.number().min(0).default(1e-8).describe('ε added to the root.'),
    weightDecay: z.number().min(0).default(0).describe('Coupled L2 weight decay λ.'),
    momentum: z.number().min(0).default(0).describe('Momentum μ applied to the scaled gradient.'),
    centered: z.boolean().default(false).describe('Normalise by the variance estimate s − ḡ².'),
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx) =>
    chain(
      ...(hp.weightDecay > 0 ? [addDecayedWeights(hp.weightDecay, maskOf(hp.weightDecayMask))] : []),
      scaleByRms({ decay: hp.rho, epsilon: hp.epsilon, epsInSqrt: false, centered: hp.centered }),
      ...(hp.momentum > 0 ? [trace({ decay: hp.momentum })] : []),
      scaleByLearningRate(() => ctx.lr()),
    ),
});
