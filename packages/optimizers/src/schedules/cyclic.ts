import { z } from '@tessera/core';
import { defineSchedule } from './define-schedule.js';

/**
 * Cyclical learning rate (`torch.optim.lr_scheduler.CyclicLR`).
 *
 * Notation: k step, b initValue (base_lr), M peakValue (max_lr), u stepSizeUp, d stepSizeDown,
 * L = u + d, c = ⌊1 + k/L⌋ cycle, x = 1 + k/L − c, r = u/L.
 *
 *   s = x/r if x ≤ r else (x − 1)/(r − 1);  η_k = b + (M − b)·s·h
 *   h = 1 (triangular), 1/2^(c−1) (triangular2), γ^k (exp_range)
 *
 * @see https://arxiv.org/abs/1506.01186
 */
export const cyclic = defineSchedule({
  name: 'cyclic',
  summary: 'Triangular cyclical learning rate between initValue and peakValue (torch CyclicLR).',
  paper: { title: 'Cyclical Learning Rates for Training Neural Networks', arxiv: '1506.01186', year: 2015 },
  params: z.strictObject({
    initValue: z.number().min(0).default(1e-3).describe('Lower bound b of the cycle (torch base_lr).'),
    peakValue: z.number().min(0).default(6e-3).describe('Upper bound M of the cycle (torch max_lr).'),
    stepSizeUp: z.number().int().positive().default(2000).describe('Steps of the increasing half.'),
    stepSizeDown: z.number().int().positive().optional().describe('Steps of the decreasing half (default stepSizeUp).'),
    mode: z.enum(['triangular', 'triangular2', 'exp_range']).default('triangular').describe('Amplitude policy.'),
    gamma: z.number().positive().max(1).default(1).describe('exp_range: amplitude factor γ^step.'),
  }),
  fn: (p) => {
    const up = p.stepSizeUp;
    const down = p.stepSizeDown ?? up;
    const total = up + down;
    const ratio = up / total;
    return (k: number) => {
      const cycle = Math.floor(1 + k / total);
      const x = 1 + k / total - cycle;
      const s = x <= ratio ? x / ratio : (x - 1) / (ratio - 1);
      const h = p.mode === 'triangular' ? 1 : p.mode === 'triangular2' ? 1 / Math.pow(2, cycle - 1) : Math.pow(p.gamma, k);
      return p.initValue + (p.peakValue - p.initValue) * s * h;
    };
  },
});
