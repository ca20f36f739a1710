import { z } from '@tessera/core';
import { defineSchedule, piecewiseInterpolateFn, type ParamSchedule } from './define-schedule.js';

/**
 * One-cycle learning rate with cyclic momentum (optax `cosine_onecycle_schedule`
 * and `linear_onecycle_schedule`; Smith's policy).
 *
 * Notation: k step, T transitionSteps, P peakValue, d divFactor, D finalDivFactor,
 * p₁ = ⌊pctStart·T⌋, p₂ = ⌊pctFinal·T⌋.
 *
 *   cos:    P/d → P on [0, p₁) (cosine), P → P/(d·D) on [p₁, T) (cosine), then P/(d·D)
 *   linear: P/d → P on [0, p₁), P → P/d on [p₁, p₂), P/d → P/D on [p₂, T) (all linear), then P/D
 *
 * `momentumAt(k)` runs inversely: maxMomentum → baseMomentum while the rate
 * rises, back to maxMomentum while it falls (PyTorch `OneCycleLR`'s
 * `cycle_momentum`; the trainer or the user sets it as the optimizer's
 * momentum / beta1). Note: PyTorch's `OneCycleLR` places the phase ends at
 * pctStart·T − 1 and T − 1; we follow optax.
 *
 * @see https://arxiv.org/abs/1803.09820
 */
export const oneCycle = defineSchedule({
  name: 'one-cycle',
  summary: 'One-cycle policy: warm up to peakValue, anneal far below; momentumAt(step) cycles inversely (optax onecycle).',
  paper: { title: 'A disciplined approach to neural network hyper-parameters: Part 1', arxiv: '1803.09820', year: 2018 },
  params: oneCycleParams(),
  fn: (p) => lrFn(p),
});

function oneCycleParams() {
  return z.strictObject({
    transitionSteps: z.number().int().positive().default(1000).describe('Total steps T of the cycle.'),
    peakValue: z.number().min(0).default(1e-3).describe('Maximum value P.'),
    pctStart: z.number().gt(0).lt(1).default(0.3).describe('Fraction of T spent increasing.'),
    pctFinal: z.number().gt(0).lt(1).default(0.85).describe('linear only: fraction of T at the end of the decrease back to P/d.'),
    divFactor: z.number().positive().default(25).describe('Initial value is P/divFactor.'),
    finalDivFactor: z.number().positive().default(1e4).describe('cos: final P/(d·D); linear: final P/D.'),
    annealStrategy: z.enum(['cos', 'linear']).default('cos').describe("'cos' (optax cosine_onecycle) or 'linear' (optax linear_onecycle, three phases)."),
    baseMomentum: z.number().min(0).max(1).default(0.85).describe('Momentum at the peak of the rate.'),
    maxMomentum: z.number().min(0).max(1).default(0.95).describe('Momentum at the start and end.'),
  });
}

type P = { transitionSteps: number; peakValue: number; pctStart: number; pctFinal: number; divFactor: number; finalDivFactor: number; annealStrategy: 'cos' | 'linear'; baseMomentum: number; maxMomentum: number };

function lrFn(p: P) {
  const T = p.transitionSteps;
  const p1 = Math.trunc(p.pctStart * T);
  if (p.annealStrategy === 'cos') {
    return piecewiseInterpolateFn('cosine', p.peakValue / p.divFactor, [[p1, p.divFactor], [T, 1 / (p.divFactor * p.finalDivFactor)]]);
  }
  const p2 = Math.trunc(p.pctFinal * T);
  return piecewiseInterpolateFn('linear', p.peakValue / p.divFactor, [[p1, p.divFactor], [p2, 1 / p.divFactor], [T, 1 / p.finalDivFactor]]);
}

function momentumFn(p: P) {
  const T = p.transitionSteps;
  const p1 = Math.trunc(p.pctStart * T);
  const lo = p.baseMomentum / p.maxMomentum;
  return p.annealStrategy === 'cos'
    ? piecewiseInterpolateFn('cosine', p.maxMomentum, [[p1, lo], [T, 1 / lo]])
    : piecewiseInterpolateFn('linear', p.maxMomentum, [[p1, lo], [Math.trunc(p.pctFinal * T), 1 / lo], [T, 1]]);
}

/** The momentum of a one-cycle schedule at `step` (inverse of the rate's cycle). */
export function oneCycleMomentumAt(schedule: ParamSchedule, step: number): number {
  return momentumFn(schedule.params as P)(step);
}

/**
 * The momentum cycle of `one-cycle` as a schedule of its own (same parameters):
 * maxMomentum → baseMomentum while the rate rises, back while it falls. Pass it as an
 * optimizer's `momentum` or `beta1` (any hyperparameter may be a schedule).
 *
 * @see https://arxiv.org/abs/1803.09820
 */
export const oneCycleMomentumSchedule = defineSchedule({
  name: 'one-cycle-momentum',
  summary: "The inverse momentum cycle of one-cycle (same parameters), for an optimizer's momentum or beta1.",
  paper: { title: 'A disciplined approach to neural network hyper-parameters: Part 1', arxiv: '1803.09820', year: 2018 },
  params: oneCycleParams(),
  fn: (p) => momentumFn(p),
});

/** The `one-cycle-momentum` schedule with the parameters of a `one-cycle` schedule. */
export function oneCycleMomentum(schedule: ParamSchedule): ParamSchedule {
  return oneCycleMomentumSchedule.create(schedule.params as Record<string, unknown>);
}
