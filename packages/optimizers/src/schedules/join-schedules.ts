import { isSchedule, z, type Schedule } from '@tessera/core';
import { defineSchedule, joinFn, scheduleTable } from './define-schedule.js';

const ref = z.union([
  z.custom<Schedule>((v) => isSchedule(v), { message: 'expected a schedule' }),
  z.strictObject({ name: z.string(), params: z.record(z.string(), z.unknown()).default({}) }),
]);

/**
 * Sequences schedules (optax `join_schedules`): schedule i+1 takes over at
 * boundary i and is evaluated at (step − boundary i).
 *
 * Notation: k step, b_i boundaries, S_i schedules.   η_k = S_j(k − b_{j−1}) for the last j with k ≥ b_{j−1}.
 *
 * Each entry of `schedules` is a schedule instance or `{ name, params }` of a
 * schedule of this package.
 */
export const joinSchedules = defineSchedule({
  name: 'join-schedules',
  summary: 'Sequence of schedules switching at boundaries, each restarted at its boundary (optax join_schedules).',
  params: z
    .strictObject({
      schedules: z.array(ref).min(1).default([{ name: 'constant', params: {} }]).describe('The schedules, in order.'),
      boundaries: z.array(z.number().int().min(0)).default([]).describe('Steps where the next schedule starts (one fewer than schedules).'),
    })
    .refine((p) => p.boundaries.length === p.schedules.length - 1, { message: 'boundaries must have one entry fewer than schedules', path: ['boundaries'] }),
  fn: (p) => {
    const fns = p.schedules.map((s) => {
      if (isSchedule(s)) return (k: number) => s.valueAt(k);
      const plugin = scheduleTable.get(s.name);
      if (!plugin) throw new RangeError(`schedule "join-schedules": unknown schedule "${s.name}" (known: ${[...scheduleTable.keys()].join(', ')}).`);
      const inst = plugin.create(s.params);
      return (k: number) => inst.valueAt(k);
    });
    return joinFn(fns, p.boundaries);
  },
});
