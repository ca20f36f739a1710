import { z } from '@tessera/core';
import { defineSchedule, f, polynomialFn } from './define-schedule.js';

/**
 * Linear schedule (optax `linear_schedule`).
 *
 * Notation: k step, I initValue, E endValue, T transitionSteps, B transitionBegin.
 *
 *   c = clip(k − B, 0, T);  η_k = I + (E − I)·c/T      (T ≤ 0: η = I)
 */
export const linear = defineSchedule({
  name: 'linear',
  summary: 'Linear transition from initValue to endValue (optax linear_schedule).',
  params: z.strictObject({
    initValue: f.initValue(),
    endValue: f.endValue(),
    transitionSteps: f.transitionSteps(),
    transitionBegin: f.transitionBegin(),
  }),
  fn: (p) => polynomialFn(p.initValue, p.endValue, 1, p.transitionSteps, p.transitionBegin),
});
