import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, z, type Callback, type TrainerContext } from '@tessera/core';
import { PACKAGE } from './mining-utils.js';

/**
 * An exponential moving average of the weights, swapped in for evaluation
 * (timm `ModelEmaV2`, Keras `use_ema`, `torch.optim.swa_utils.AveragedModel`
 * with an EMA function).
 *
 * Notation: weights `θ_t` after optimizer update `t`, average `θ̄`, decay `β`.
 * `θ̄ ← θ_0` at train begin; after update `t ≥ startStep` with
 * `t mod updateEvery = 0`: `θ̄ ← β·θ̄ + (1 − β)·θ_t` (before `startStep`,
 * `θ̄ ← θ_t`). During evaluation the model holds `θ̄` (swapped in
 * `onEvaluateBegin`, swapped back in `onEvaluateEnd`), so `val_*` metrics are
 * the average's. With `swapOnTrainEnd` the model keeps `θ̄` when training
 * ends (Keras overwrites the weights with the EMA at the end of `fit`).
 * The average is saved in checkpoints.
 *
 * Notes: timm's default decay is 0.9998, Keras' `ema_momentum` 0.99; 0.999
 * here. Buffers (`stateVariables`, e.g. running statistics) are copied, not
 * averaged, as timm does with `ema.module.buffers`.
 *
 * @see https://arxiv.org/abs/1803.05407 (weight averaging; Polyak averaging)
 */
export const emaSwap = definePlugin({
  kind: 'callback',
  name: 'ema-swap',
  aliases: ['ema', 'model-ema'],
  summary: 'Exponential moving average of the weights, swapped in for evaluation and optionally kept at the end (timm ModelEma).',
  paper: { title: 'Acceleration of Stochastic Approximation by Averaging', year: 1992 },
  package: PACKAGE,
  params: z.strictObject({
    decay: z.number().min(0).max(1).default(0.999).describe('EMA decay β (timm 0.9998, Keras ema_momentum 0.99).'),
    updateEvery: z.number().int().min(1).max(1e6).default(1).describe('Update the average every this many optimizer steps.'),
    startStep: z.number().int().min(0).max(1e9).default(0).describe('Before this step the average just copies the weights (warm-up).'),
    swapOnTrainEnd: z.boolean().default(true).describe('Leave the averaged weights in the model when training ends.'),
  }),
  create: (p, manifest): Callback & { average(): readonly tf.Tensor[] } => {
    let ema: tf.Tensor[] = [];
    let backup: tf.Tensor[] | undefined;
    const vars = (ctx: TrainerContext) => ctx.model.trainableVariables as tf.Variable[];
    const swapIn = (ctx: TrainerContext) => {
      if (backup || ema.length === 0) return;
      backup = vars(ctx).map((v) => tf.clone(v));
      vars(ctx).forEach((v, i) => v.assign(ema[i]!));
    };
    const swapOut = (ctx: TrainerContext) => {
      if (!backup) return;
      vars(ctx).forEach((v, i) => v.assign(backup![i]!));
      tf.dispose(backup);
      backup = undefined;
    };
    return {
      manifest,
      stateKey: 'callback:ema-swap',
      average: () => ema,
      onTrainBegin(ctx) {
        if (ema.length !== vars(ctx).length) {
          tf.dispose(ema);
          ema = vars(ctx).map((v) => tf.clone(v));
        }
      },
      afterStep(ctx) {
        if (ctx.step % p.updateEvery !== 0) return;
        const beta = ctx.step < p.startStep ? 0 : p.decay;
        const next = tf.tidy(() => vars(ctx).map((v, i) => tf.add(tf.mul(ema[i]!, beta), tf.mul(v, 1 - beta))));
        tf.dispose(ema);
        ema = next;
      },
      onEvaluateBegin: swapIn,
      onEvaluateEnd: swapOut,
      onTrainEnd(ctx) {
        swapOut(ctx);
        if (p.swapOnTrainEnd && ema.length) vars(ctx).forEach((v, i) => v.assign(ema[i]!));
      },
      getState: () => Object.fromEntries(ema.map((t, i) => [`ema/${i}`, t])),
      setState(state) {
        const keys = Object.keys(state).filter((k) => k.startsWith('ema/')).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
        if (!keys.length) return;
        tf.dispose(ema);
        ema = keys.map((k) => tf.clone(state[k]!));
      },
    };
  },
});
