import { z } from '@tessera/core';
import { cosineDecayFn, defineSchedule, joinFn, polynomialFn } from './define-schedule.js';

const cycle = z.strictObject({
  initValue: z.number().default(0).describe('Value at the start of the cycle.'),
  peakValue: z.number().default(1e-3).describe('Value after the cycle warmup.'),
  warmupSteps: z.number().int().min(0).default(0).describe('Warmup steps of the cycle.'),
  decaySteps: z.number().int().positive().describe('Length of the cycle (warmup included).'),
  endValue: z.number().default(0).describe('Value at the end of the cycle.'),
  exponent: z.number().positive().default(1).describe('Exponent of the cosine factor.'),
});

/**
 * SGD with warm restarts as an explicit list of cycles (optax `sgdr_schedule`):
 * each cycle is a `warmup-cosine-decay` of its own `decaySteps`, joined one after the other.
 *
 * Notation: cycle i starts at B_i = Σ_{j<i} decaySteps_j and is evaluated at k − B_i.
 *
 * @see https://arxiv.org/abs/1608.03983
 */
export const sgdr = defineSchedule({
  name: 'sgdr',
  summary: 'Warm restarts from an explicit list of warmup-cosine cycles (optax sgdr_schedule).',
  paper: { title: 'SGDR: Stochastic Gradient Descent with Warm Restarts', arxiv: '1608.03983', year: 2016 },
  params: z
    .strictObject({
      cosineKwargs: z.array(cycle).min(1).default([{ initValue: 1e-3, peakValue: 1e-3, warmupSteps: 0, decaySteps: 1000, endValue: 0, exponent: 1 }]).describe('The cycles, in order (optax cosine_kwargs).'),
    })
    .refine((p) => p.cosineKwargs.every((c) => c.decaySteps > c.warmupSteps), { message: 'each cycle needs decaySteps > warmupSteps', path: ['cosineKwargs'] }),
  fn: (p) => {
    const fns: ((k: number) => number)[] = [];
    const bounds: number[] = [];
    let at = 0;
    for (const c of p.cosineKwargs) {
      const alpha = c.peakValue === 0 ? 0 : c.endValue / c.peakValue;
      fns.push(joinFn([polynomialFn(c.initValue, c.peakValue, 1, c.warmupSteps), cosineDecayFn(c.peakValue, c.decaySteps - c.warmupSteps, alpha, c.exponent)], [c.warmupSteps]));
      at += c.decaySteps;
      bounds.push(at);
    }
    return joinFn(fns, bounds.slice(0, -1));
  },
});
