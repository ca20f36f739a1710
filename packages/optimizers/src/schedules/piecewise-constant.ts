import { z } from '@tessera/core';
import { defineSchedule, f } from './define-schedule.js';

/**
 * Piecewise constant (optax `piecewise_constant_schedule`): the value is
 * multiplied by scale_i from step boundary_i on (inclusive).
 *
 * Notation: k step, I initValue, (b_i, s_i) boundaries and scales.   η_k = I·Π_{i: k ≥ b_i} s_i
 *
 * Give either optax's `boundariesAndScales` ({ "100": 0.1 }), or the arrays
 * `boundaries` and `scales`, or `boundaries` and `values` (the value on each interval,
 * switching at step ≥ boundary like the rest). `torch.optim.lr_scheduler.MultiStepLR(milestones, gamma)`
 * is boundaries = milestones, scales = gamma each. Keras' PiecewiseConstantDecay
 * switches one step later (k > b).
 */
export const piecewiseConstant = defineSchedule({
  name: 'piecewise-constant',
  summary: 'initValue times the product of the scales whose boundary has been reached (optax piecewise_constant_schedule).',
  params: z
    .strictObject({
      initValue: f.initValue(),
      boundariesAndScales: z.record(z.string(), z.number().min(0)).optional().describe('optax form: { step: scale }.'),
      boundaries: z.array(z.number().int().min(0)).default([]).describe('Steps where the scales apply (with scales).'),
      scales: z.array(z.number().min(0)).default([]).describe('Scale factor at each boundary.'),
      values: z.array(z.number()).optional().describe('Alternative to scales: the value on each interval (one more than boundaries).'),
    })
    .refine((p) => p.values !== undefined || p.boundaries.length === p.scales.length, { message: 'boundaries and scales must have the same length', path: ['scales'] })
    .refine((p) => p.values === undefined || p.values.length === p.boundaries.length + 1, { message: 'values must have one more entry than boundaries', path: ['values'] }),
  fn: (p) => {
    if (p.values) {
      const bounds = [...p.boundaries];
      const values = p.values;
      return (step: number) => values[bounds.filter((b) => step >= b).length]!;
    }
    const pairs: [number, number][] = p.boundariesAndScales
      ? Object.entries(p.boundariesAndScales).map(([b, s]) => [Number(b), s])
      : p.boundaries.map((b, i) => [b, p.scales[i]!]);
    pairs.sort((a, b) => a[0] - b[0]);
    return (step: number) => {
      let v = p.initValue;
      for (const [b, s] of pairs) if (step >= b) v *= s;
      return v;
    };
  },
});
