import { z } from '@tessera/core';
import { defineSchedule, f, joinFn, polynomialFn } from './define-schedule.js';
import { exponentialFn } from './exponential-decay.js';

/**
 * Linear warmup then exponential decay (optax `warmup_exponential_decay_schedule`).
 *
 * Notation: as exponential-decay, W warmupSteps, P peakValue: the decay starts from P at step W
 * and is evaluated at k − W.
 */
export const warmupExponentialDecay = defineSchedule({
  name: 'warmup-exponential-decay',
  summary: 'Linear warmup to peakValue, then exponential decay (optax warmup_exponential_decay_schedule).',
  params: z.strictObject({
    initValue: f.initValue(0),
    peakValue: f.peakValue(),
    warmupSteps: f.warmupSteps(100),
    transitionSteps: f.transitionSteps(),
    decayRate: z.number().min(0).default(0.5).describe('Factor r applied every transitionSteps.'),
    transitionBegin: f.transitionBegin(),
    staircase: z.boolean().default(false).describe('Decay at discrete intervals.'),
    endValue: z.number().optional().describe('Bound the decay stops at.'),
  }),
  fn: (p) =>
    joinFn(
      [polynomialFn(p.initValue, p.peakValue, 1, p.warmupSteps), exponentialFn({ ...p, initValue: p.peakValue })],
      [p.warmupSteps],
    ),
});
