import { z } from '@tessera/core';
import { defineSchedule, f } from './define-schedule.js';

/**
 * Inverse square root with linear warmup (fairseq `inverse_sqrt`, "Attention is all you need").
 *
 * Notation: k step, I initValue, P peakValue, W warmupSteps, τ = max(W, 1).
 *
 *   k < W: η = I + (P − I)·k/W;   k ≥ W: η = P·√(τ / max(k, τ))
 *
 * @see https://arxiv.org/abs/1706.03762
 */
export const inverseSqrt = defineSchedule({
  name: 'inverse-sqrt',
  summary: 'Linear warmup, then peakValue·sqrt(warmupSteps/step) (fairseq inverse_sqrt).',
  paper: { title: 'Attention Is All You Need', arxiv: '1706.03762', year: 2017 },
  params: z.strictObject({ initValue: f.initValue(0), peakValue: f.peakValue(), warmupSteps: f.warmupSteps(1000) }),
  fn: (p) => (k: number) => {
    const W = p.warmupSteps;
    if (k < W) return p.initValue + ((p.peakValue - p.initValue) * k) / W;
    const tau = Math.max(W, 1);
    return p.peakValue * Math.sqrt(tau / Math.max(k, tau));
  },
});
