import { z } from '@tessera/core';
import { defineSchedule, f, polynomialFn } from './define-schedule.js';

/**
 * Polynomial schedule (optax `polynomial_schedule`).
 *
 * Notation: k step, I initValue, E endValue, T transitionSteps, B transitionBegin, p power.
 *
 *   c = clip(k − B, 0, T);  η_k = (I − E)·(1 − c/T)^p + E      (T ≤ 0: η = I)
 */
export const polynomial = defineSchedule({
  name: 'polynomial',
  summary: 'Polynomial transition (I − E)(1 − c/T)^power + E (optax polynomial_schedule).',
  params: z.strictObject({
    initValue: f.initValue(),
    endValue: f.endValue(),
    power: z.number().positive().default(1).describe('Exponent of the transition.'),
    transitionSteps: f.transitionSteps(),
    transitionBegin: f.transitionBegin(),
  }),
  fn: (p) => polynomialFn(p.initValue, p.endValue, p.power, p.transitionSteps, p.transitionBegin),
});
