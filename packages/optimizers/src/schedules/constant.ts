import { z } from '@tessera/core';
import { defineSchedule } from './define-schedule.js';

/**
 * Constant schedule (optax `constant_schedule`).
 *
 * Notation: k step.   η_k = value
 *
 * `initValue` is accepted as a synonym of optax's `value` (the other schedules' name); `value` wins.
 */
export const constant = defineSchedule({
  name: 'constant',
  summary: 'A constant value (optax constant_schedule).',
  params: z.strictObject({
    value: z.number().optional().describe('The constant value (optax name); default 1e-3.'),
    initValue: z.number().optional().describe('Synonym of value.'),
  }),
  fn: (p) => {
    const v = p.value ?? p.initValue ?? 1e-3;
    return () => v;
  },
});
