import { z } from '@tessera/core';
import { defineSchedule, f } from './define-schedule.js';

/**
 * Warmup-stable-decay ("trapezoidal"; HF `get_wsd_schedule` with absolute values).
 *
 * Notation: k step, I initValue, P peakValue, E endValue, W warmupSteps, S stableSteps, D decaySteps, q = (k − W − S)/D.
 *
 *   k < W:           η = I + (P − I)·k/W
 *   W ≤ k < W + S:   η = P
 *   W+S ≤ k < W+S+D: η = E + (P − E)·φ(q), φ = 1 − q (linear), ½(1 + cos πq) (cosine), 1 − √q (1-sqrt)
 *   after:           η = E
 *
 * HF's version expresses I and E as one ratio of P (`min_lr_ratio`); here they are separate values.
 *
 * @see https://arxiv.org/abs/2404.06395
 */
export const wsd = defineSchedule({
  name: 'wsd',
  summary: 'Warmup-stable-decay: linear warmup, constant plateau, then a linear/cosine/1-sqrt cooldown.',
  paper: { title: 'MiniCPM: Unveiling the Potential of Small Language Models with Scalable Training Strategies', arxiv: '2404.06395', year: 2024 },
  params: z.strictObject({
    initValue: f.initValue(0),
    peakValue: f.peakValue(),
    endValue: f.endValue(),
    warmupSteps: f.warmupSteps(100),
    stableSteps: z.number().int().min(0).default(800).describe('Length S of the plateau at peakValue.'),
    decaySteps: z.number().int().min(0).default(100).describe('Length D of the cooldown.'),
    decayType: z.enum(['linear', 'cosine', '1-sqrt']).default('linear').describe('Shape of the cooldown.'),
  }),
  fn: (p) => (k: number) => {
    const { warmupSteps: W, stableSteps: S, decaySteps: D } = p;
    if (k < W) return p.initValue + ((p.peakValue - p.initValue) * k) / W;
    if (k < W + S) return p.peakValue;
    if (k < W + S + D) {
      const q = (k - W - S) / D;
      const phi = p.decayType === 'linear' ? 1 - q : p.decayType === 'cosine' ? 0.5 * (1 + Math.cos(Math.PI * q)) : 1 - Math.sqrt(q);
      return p.endValue + (p.peakValue - p.endValue) * phi;
    }
    return p.endValue;
  },
});
