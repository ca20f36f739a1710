import { z } from '@tessera/core';
import { defineSchedule, f } from './define-schedule.js';

/** optax `exponential_decay` as a host function. */
export function exponentialFn(p: { initValue: number; transitionSteps: number; decayRate: number; transitionBegin: number; staircase: boolean; endValue?: number | undefined }) {
  if (p.transitionSteps <= 0 || p.decayRate === 0) return () => p.initValue;
  return (step: number) => {
    const d = step - p.transitionBegin;
    let e = d / p.transitionSteps;
    if (p.staircase) e = Math.floor(e);
    let v = d <= 0 ? p.initValue : p.initValue * Math.pow(p.decayRate, e);
    if (p.endValue !== undefined) v = p.decayRate < 1 ? Math.max(v, p.endValue) : Math.min(v, p.endValue);
    return v;
  };
}

/**
 * Exponential decay (optax `exponential_decay`).
 *
 * Notation: k step, I initValue, r decayRate, T transitionSteps, B transitionBegin.
 *
 *   e = (k − B)/T (floored if staircase);  η_k = I·r^e for k > B, else I;  clipped at endValue
 *   (a lower bound when r < 1, an upper bound otherwise).
 *
 * `torch.optim.lr_scheduler.ExponentialLR(gamma)` is T = 1, r = gamma; `StepLR(step_size, gamma)` is staircase with T = step_size.
 */
export const exponentialDecay = defineSchedule({
  name: 'exponential-decay',
  summary: 'initValue·decayRate^((k − transitionBegin)/transitionSteps) (optax exponential_decay).',
  params: z.strictObject({
    initValue: f.initValue(),
    transitionSteps: f.transitionSteps(),
    decayRate: z.number().min(0).default(0.5).describe('Factor r applied every transitionSteps.'),
    transitionBegin: f.transitionBegin(),
    staircase: z.boolean().default(false).describe('Decay at discrete intervals (floor of the exponent).'),
    endValue: z.number().optional().describe('Bound the decay stops at (lower when decayRate < 1).'),
  }),
  fn: (p) => exponentialFn(p),
});
