import { z } from '@tessera/core';
import { defineSchedule, f, polynomialFn } from './define-schedule.js';

/**
 * Linear warmup then constant (optax `warmup_constant_schedule`).
 *
 * Notation: k step, I initValue, P peakValue, W warmupSteps.   η_k = I + (P − I)·min(k, W)/W
 */
export const warmupConstant = defineSchedule({
  name: 'warmup-constant',
  summary: 'Linear warmup to peakValue, then constant (optax warmup_constant_schedule).',
  params: z.strictObject({ initValue: f.initValue(0), peakValue: f.peakValue(), warmupSteps: f.warmupSteps(100) }),
  fn: (p) => polynomialFn(p.initValue, p.peakValue, 1, p.warmupSteps),
});
