import { z } from '@tessera/core';
import { cosineDecayFn, defineSchedule, f } from './define-schedule.js';

/**
 * Cosine decay (optax `cosine_decay_schedule`).
 *
 * Notation: k step, I initValue, T decaySteps, α alpha (final fraction), p exponent.
 *
 *   c = min(k, T);  η_k = I·((1 − α)·(½(1 + cos(π c/T)))^p + α)
 *
 * Equals `torch.optim.lr_scheduler.CosineAnnealingLR(T_max=T, eta_min=α·I)` for k ≤ T.
 *
 * @see https://arxiv.org/abs/1608.03983
 */
export const cosineDecay = defineSchedule({
  name: 'cosine-decay',
  summary: 'Cosine decay from initValue to alpha·initValue over decaySteps (optax cosine_decay_schedule).',
  paper: { title: 'SGDR: Stochastic Gradient Descent with Warm Restarts', arxiv: '1608.03983', year: 2016 },
  params: z.strictObject({
    initValue: f.initValue(),
    decaySteps: z.number().int().positive().default(1000).describe('Steps of the decay T.'),
    alpha: z.number().min(0).default(0).describe('Final value as a fraction of initValue.'),
    exponent: z.number().positive().default(1).describe('Exponent p of the cosine factor.'),
  }),
  fn: (p) => cosineDecayFn(p.initValue, p.decaySteps, p.alpha, p.exponent),
});
