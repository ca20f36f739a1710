import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, z, type Callback, type TrainerContext } from '@tessera/core';

const lrOf = (o: unknown): number | undefined => {
  const x = o as { getLearningRate?: () => number; learningRate?: number };
  return typeof x.getLearningRate === 'function' ? x.getLearningRate() : typeof x.learningRate === 'number' ? x.learningRate : undefined;
};

/**
 * Reduce the learning rate when a metric stops improving
 * (`torch.optim.lr_scheduler.ReduceLROnPlateau`), as a trainer callback.
 *
 * Notation: s scale of the learning rate (starts at 1), f factor, b best value, θ threshold.
 *
 *   better: a < b·(1 − θ) (min, rel) | a < b − θ (min, abs) | a > b·(1 + θ) (max, rel) | a > b + θ (max, abs)
 *   after more than `patience` epochs without improvement (and outside cooldown):
 *   lr_new = max(lr·f, minLr); if lr − lr_new > eps: s ← s·lr_new/lr, cooldown restarts
 *
 * At every epoch end it sets `ctx.overrides.set('lrScale', s)` (the trainer multiplies a
 * schedule's value by it) and `ctx.overrides.set('lr', s·lr₀)` with lr₀ the optimizer's
 * rate at the start of training (used by the trainer when no schedule is given).
 * It reads `logs[monitor]`, falling back to `loss` when the monitored metric is absent.
 * Its state (best, bad epochs, cooldown, scale) is saved in checkpoints.
 */
export const reduceOnPlateau = definePlugin({
  kind: 'callback',
  name: 'reduce-on-plateau',
  package: '@tessera/optimizers',
  summary: 'Multiplies the learning rate by `factor` when a metric plateaus (torch ReduceLROnPlateau).',
  params: z.strictObject({
    monitor: z.string().default('val_loss').describe('Metric read from the epoch logs (falls back to loss).'),
    mode: z.enum(['min', 'max']).default('min').describe('Whether lower or higher is better.'),
    factor: z.number().gt(0).lt(1).default(0.1).describe('Multiplier applied on a plateau.'),
    patience: z.number().int().min(0).default(10).describe('Epochs without improvement tolerated.'),
    threshold: z.number().min(0).default(1e-4).describe('Minimum change that counts as an improvement.'),
    thresholdMode: z.enum(['rel', 'abs']).default('rel').describe('Relative or absolute threshold.'),
    cooldown: z.number().int().min(0).default(0).describe('Epochs to wait after a reduction.'),
    minLr: z.number().min(0).default(0).describe('Lower bound of the learning rate.'),
    eps: z.number().min(0).default(1e-8).describe('Reductions smaller than this are ignored.'),
  }),
  create: (p, manifest) => {
    let best = p.mode === 'min' ? Infinity : -Infinity;
    let bad = 0;
    let cooldown = 0;
    let scale = 1;
    let lr0: number | undefined;
    const better = (a: number) =>
      p.mode === 'min'
        ? p.thresholdMode === 'rel' ? a < best * (1 - p.threshold) : a < best - p.threshold
        : p.thresholdMode === 'rel' ? a > best * (1 + p.threshold) : a > best + p.threshold;
    const cb: Callback & { readonly scale: number; observe(value: number, lr: number): number } = {
      manifest,
      stateKey: 'callback:reduce-on-plateau',
      get scale() {
        return scale;
      },
      /** One epoch's metric and the current learning rate; returns the new scale. */
      observe(value: number, lr: number): number {
        if (better(value)) {
          best = value;
          bad = 0;
        } else bad++;
        if (cooldown > 0) {
          cooldown--;
          bad = 0;
        }
        if (bad > p.patience) {
          const next = Math.max(lr * p.factor, p.minLr);
          if (lr - next > p.eps) scale *= lr > 0 ? next / lr : p.factor;
          cooldown = p.cooldown;
          bad = 0;
        }
        return scale;
      },
      onTrainBegin(ctx: TrainerContext) {
        lr0 = lrOf(ctx.optimizer);
      },
      onEpochEnd(ctx: TrainerContext, logs: Record<string, number>) {
        const value = logs[p.monitor] ?? logs.loss;
        if (value === undefined || !Number.isFinite(value)) return;
        const lr = lrOf(ctx.optimizer) ?? (lr0 ?? 1) * scale;
        cb.observe(value, lr);
        ctx.overrides.set('lrScale', scale);
        if (lr0 !== undefined) ctx.overrides.set('lr', lr0 * scale);
        ctx.log('lr_scale', scale);
      },
      getState() {
        return { state: tf.tensor1d([best, bad, cooldown, scale, lr0 ?? NaN], 'float32') };
      },
      setState(state: Record<string, tf.Tensor>) {
        const v = state.state?.dataSync();
        if (!v) return;
        [best, bad, cooldown, scale] = [v[0]!, v[1]!, v[2]!, v[3]!];
        lr0 = Number.isNaN(v[4]!) ? undefined : v[4]!;
      },
    };
    return cb;
  },
});
