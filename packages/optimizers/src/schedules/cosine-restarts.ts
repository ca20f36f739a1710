import { z } from '@tessera/core';
import { defineSchedule, f } from './define-schedule.js';

/**
 * Cosine decay with warm restarts, SGDR (Keras `CosineDecayRestarts`).
 *
 * Notation: k step, I initValue, T₀ decaySteps (first period), tMul period growth, mMul
 * restart height factor, α alpha, i restart index, x fraction of the current period.
 *
 *   periods T₀, T₀·tMul, T₀·tMul², …;  η_k = I·((1 − α)·½·mMulⁱ·(1 + cos πx) + α)
 *
 * With mMul = 1 this equals `torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(T_0 = T₀,
 * T_mult = tMul, eta_min = α·I)` (integer tMul). optax's `sgdr_schedule` (an explicit list of warmup-cosine cycles) is the `sgdr` schedule.
 *
 * @see https://arxiv.org/abs/1608.03983
 */
export const cosineRestarts = defineSchedule({
  name: 'cosine-restarts',
  summary: 'Cosine annealing with warm restarts (SGDR; Keras CosineDecayRestarts, torch CosineAnnealingWarmRestarts).',
  paper: { title: 'SGDR: Stochastic Gradient Descent with Warm Restarts', arxiv: '1608.03983', year: 2016 },
  params: z.strictObject({
    initValue: f.initValue(),
    decaySteps: z.number().int().positive().default(1000).describe('Length T₀ of the first period.'),
    tMul: z.number().min(1).default(2).describe('Each period is tMul times longer than the previous.'),
    mMul: z.number().positive().default(1).describe('Each restart starts at mMul times the previous peak.'),
    alpha: z.number().min(0).default(0).describe('Minimum as a fraction of initValue.'),
  }),
  fn: (p) => (k: number) => {
    let frac = k / p.decaySteps;
    let i: number;
    if (p.tMul === 1) {
      i = Math.floor(frac);
      frac -= i;
    } else {
      i = Math.floor(Math.log(1 - frac * (1 - p.tMul)) / Math.log(p.tMul));
      const sumR = (1 - Math.pow(p.tMul, i)) / (1 - p.tMul);
      frac = (frac - sumR) / Math.pow(p.tMul, i);
    }
    const cos = 0.5 * Math.pow(p.mMul, i) * (1 + Math.cos(Math.PI * frac));
    return p.initValue * ((1 - p.alpha) * cos + p.alpha);
  },
});
