import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, z, type Callback, type TrainerContext } from '@tessera/core';

/** What the range test recorded. */
export interface LrRangeResult {
  lrs: number[];
  /** Bias-corrected exponentially smoothed losses. */
  losses: number[];
  /** The learning rate at the steepest descent of the smoothed loss (a usual pick for max_lr), or undefined. */
  suggestion: number | undefined;
}

/**
 * Learning-rate range test (Smith 2017; fastai `lr_find`), as a trainer callback.
 *
 * Notation: k step, K numSteps, a startLr, b endLr, L smoothed loss, β smoothing.
 *
 *   lr_k = a·(b/a)^(k/(K−1)) (exponential) or a + (b − a)·k/(K−1) (linear)
 *   L_k = (β·L̃_{k−1} + (1−β)·loss_k)/(1 − β^(k+1));  stop when L_k > divergeThreshold·min L or k = K
 *
 * It drives the learning rate through `ctx.overrides.set('lr', …)` (the trainer applies it when no
 * schedule is given), stops training at the end, and restores the model's trainable variables and
 * the optimizer's state as they were at the start. `result()` gives the curve and a suggestion.
 *
 * @see https://arxiv.org/abs/1506.01186
 */
export const lrRangeTest = definePlugin({
  kind: 'callback',
  name: 'lr-range-test',
  package: '@tessera/optimizers',
  summary: 'Sweeps the learning rate up over a few hundred steps, records the smoothed loss, then restores the weights.',
  paper: { title: 'Cyclical Learning Rates for Training Neural Networks', arxiv: '1506.01186', year: 2015 },
  params: z.strictObject({
    startLr: z.number().positive().default(1e-7).describe('First learning rate.'),
    endLr: z.number().positive().default(10).describe('Last learning rate.'),
    numSteps: z.number().int().min(2).default(100).describe('Steps of the sweep.'),
    stepMode: z.enum(['exp', 'linear']).default('exp').describe('Exponential or linear increase.'),
    smoothing: z.number().min(0).lt(1).default(0.98).describe('β of the loss smoothing.'),
    divergeThreshold: z.number().gt(1).default(4).describe('Stop when the smoothed loss exceeds this multiple of its minimum.'),
    restore: z.boolean().default(true).describe('Restore weights and optimizer state at the end.'),
  }),
  create: (p, manifest) => {
    const lrAt = (k: number) =>
      p.stepMode === 'exp' ? p.startLr * Math.pow(p.endLr / p.startLr, k / (p.numSteps - 1)) : p.startLr + ((p.endLr - p.startLr) * k) / (p.numSteps - 1);
    let k = 0;
    let avg = 0;
    let best = Infinity;
    let done = false;
    const lrs: number[] = [];
    const losses: number[] = [];
    let savedVars: tf.Tensor[] = [];
    let savedOpt: { name: string; tensor: tf.Tensor }[] = [];
    const cb: Callback & { result(): LrRangeResult; record(loss: number): boolean } = {
      manifest,
      /** Records the loss of the step taken at lr_k; returns whether to continue. */
      record(loss: number): boolean {
        avg = p.smoothing * avg + (1 - p.smoothing) * loss;
        const smoothed = avg / (1 - Math.pow(p.smoothing, k + 1));
        lrs.push(lrAt(k));
        losses.push(smoothed);
        best = Math.min(best, smoothed);
        k++;
        return !(k >= p.numSteps || !Number.isFinite(smoothed) || smoothed > p.divergeThreshold * best);
      },
      result(): LrRangeResult {
        let steepest: number | undefined;
        let slope = Infinity;
        for (let i = 1; i < losses.length; i++) {
          const s = (losses[i]! - losses[i - 1]!) / (Math.log(lrs[i]!) - Math.log(lrs[i - 1]!));
          if (s < slope) [slope, steepest] = [s, lrs[i]];
        }
        return { lrs: [...lrs], losses: [...losses], suggestion: steepest };
      },
      async onTrainBegin(ctx: TrainerContext) {
        ctx.overrides.set('lr', lrAt(0));
        if (p.restore) {
          savedVars = ctx.model.trainableVariables.map((v) => tf.clone(v));
          savedOpt = (await ctx.optimizer.getWeights()).map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) }));
        }
      },
      afterStep(ctx: TrainerContext, logs: Record<string, number>) {
        if (done) return;
        const loss = logs.loss ?? ctx.logs.loss;
        if (loss === undefined) return;
        ctx.log('lr_range_lr', lrAt(k));
        if (!cb.record(loss)) {
          done = true;
          ctx.stop('lr-range-test finished');
        } else ctx.overrides.set('lr', lrAt(k));
      },
      async onTrainEnd(ctx: TrainerContext) {
        ctx.overrides.delete('lr');
        if (!p.restore) return;
        ctx.model.trainableVariables.forEach((v, i) => savedVars[i] && v.assign(savedVars[i]!));
        if (savedOpt.length) await ctx.optimizer.setWeights(savedOpt);
        tf.dispose([...savedVars, ...savedOpt.map((w) => w.tensor)]);
        savedVars = [];
        savedOpt = [];
      },
    };
    return cb;
  },
});
