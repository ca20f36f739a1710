import { z } from '@tessera/core';
import { defineSchedule, f, piecewiseInterpolateFn } from './define-schedule.js';

/**
 * Piecewise linear or cosine interpolation between accumulated scales (optax `piecewise_interpolate_schedule`).
 *
 * Notation: v₀ = initValue, v_i = v_{i−1}·s_i at boundary b_i (b₀ = 0): on [b_{i−1}, b_i) the value
 * moves from v_{i−1} to v_i (linearly or along a half cosine); after the last boundary it is the last v.
 */
export const piecewiseInterpolate = defineSchedule({
  name: 'piecewise-interpolate',
  summary: 'Linear or cosine interpolation between scaled values at boundaries (optax piecewise_interpolate_schedule).',
  params: z
    .strictObject({
      interpolateType: z.enum(['linear', 'cosine']).default('linear').describe('Interpolation between boundaries.'),
      initValue: f.initValue(),
      boundariesAndScales: z.record(z.string(), z.number().min(0)).optional().describe('optax form: { step: scale }.'),
      boundaries: z.array(z.number().int().min(0)).default([]).describe('Boundaries (with scales).'),
      scales: z.array(z.number().min(0)).default([]).describe('Scale at each boundary.'),
    })
    .refine((p) => p.boundaries.length === p.scales.length, { message: 'boundaries and scales must have the same length', path: ['scales'] }),
  fn: (p) =>
    piecewiseInterpolateFn(
      p.interpolateType,
      p.initValue,
      p.boundariesAndScales ? Object.entries(p.boundariesAndScales).map(([b, s]) => [Number(b), s]) : p.boundaries.map((b, i) => [b, p.scales[i]!]),
    ),
});
