import { z } from '@tessera/core';
import { cosineDecayFn, defineSchedule, f, joinFn, polynomialFn } from './define-schedule.js';

/**
 * Linear warmup then cosine decay (optax `warmup_cosine_decay_schedule`).
 *
 * Notation: k step, I initValue, P peakValue, W warmupSteps, T decaySteps (includes the warmup), E endValue, p exponent.
 *
 *   k < W:  η_k = I + (P − I)·k/W
 *   k ≥ W:  c = min(k − W, T − W);  η_k = P·((1 − E/P)·(½(1 + cos(π c/(T − W))))^p + E/P)
 *
 * @see https://arxiv.org/abs/1608.03983
 */
export const warmupCosineDecay = defineSchedule({
  name: 'warmup-cosine-decay',
  summary: 'Linear warmup to peakValue, then cosine decay to endValue at decaySteps (optax warmup_cosine_decay_schedule).',
  paper: { title: 'SGDR: Stochastic Gradient Descent with Warm Restarts', arxiv: '1608.03983', year: 2016 },
  params: z
    .strictObject({
      initValue: f.initValue(0),
      peakValue: f.peakValue(),
      warmupSteps: f.warmupSteps(100),
      decaySteps: z.number().int().positive().default(1000).describe('Total length, warmup included (optax semantics).'),
      endValue: f.endValue(),
      exponent: z.number().positive().default(1).describe('Exponent p of the cosine factor.'),
    })
    .refine((p) => p.decaySteps > p.warmupSteps, { message: 'decaySteps must be greater than warmupSteps (decaySteps includes the warmup)', path: ['decaySteps'] }),
  fn: (p) => {
    const alpha = p.peakValue === 0 ? 0 : p.endValue / p.peakValue;
    return joinFn(
      [polynomialFn(p.initValue, p.peakValue, 1, p.warmupSteps), cosineDecayFn(p.peakValue, p.decaySteps - p.warmupSteps, alpha, p.exponent)],
      [p.warmupSteps],
    );
  },
});
