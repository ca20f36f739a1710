import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, z, type Callback, type TrainerContext } from '@tessera/core';
import { PACKAGE } from './mining-utils.js';

/**
 * Guards a run against non-finite values (Keras `TerminateOnNaN`, optax
 * `zero_nans`).
 *
 * - `zeroNonFinite`: NaN/±Inf gradient entries are replaced by 0 before the
 *   optimizer (optax `zero_nans`), so one bad element does not poison the
 *   optimizer state.
 * - Termination: the trainer's `nanPolicy: 'skip'` skips a step whose loss or
 *   gradient is non-finite; this callback counts consecutive skipped steps
 *   (an attempt that never reached `afterStep`) and a non-finite logged loss,
 *   and stops the run after `maxConsecutive` of them (1: stop at the first,
 *   as `TerminateOnNaN`). With `restoreLastGood`, the weights of the last
 *   finite step are put back when it stops. (Under `nanPolicy: 'stop'` the
 *   trainer itself throws at the first non-finite step.)
 *
 * @see https://keras.io/api/callbacks/terminate_on_nan/
 */
export const nanGuard = definePlugin({
  kind: 'callback',
  name: 'nan-guard',
  aliases: ['terminate-on-nan'],
  summary: 'Zeroes non-finite gradient entries and stops after N consecutive non-finite steps, restoring the last good weights (Keras TerminateOnNaN).',
  package: PACKAGE,
  params: z.strictObject({
    zeroNonFinite: z.boolean().default(false).describe('Replace NaN/±Inf gradient entries by 0 before the optimizer (optax zero_nans).'),
    maxConsecutive: z.number().int().min(1).max(1e6).default(1).describe('Stop after this many consecutive non-finite (skipped) steps.'),
    restoreLastGood: z.boolean().default(false).describe('Put back the weights of the last finite step when stopping.'),
  }),
  create: (p, manifest): Callback & { readonly bad: number } => {
    let bad = 0;
    let attempt: string | undefined;
    let completed = true;
    let good: tf.Tensor[] | undefined;
    const trip = (ctx: TrainerContext) => {
      if (bad < p.maxConsecutive) return;
      ctx.stop('nan-guard');
      if (p.restoreLastGood && good) (ctx.model.trainableVariables as tf.Variable[]).forEach((v, i) => v.assign(good![i]!));
    };
    return {
      manifest,
      get bad() {
        return bad;
      },
      onTrainBegin(ctx) {
        if (p.restoreLastGood) good = ctx.model.trainableVariables.map((v) => tf.clone(v));
      },
      beforeForward(ctx) {
        const key = `${ctx.epoch}:${ctx.batchInEpoch}`;
        if (key === attempt) return;
        if (attempt !== undefined && !completed) {
          bad += 1;
          trip(ctx);
        }
        attempt = key;
        completed = false;
      },
      afterBackward(_ctx, grads) {
        if (!p.zeroNonFinite) return;
        return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.where(tf.isFinite(g!), g!, tf.zerosLike(g!))]));
      },
      afterStep(ctx, logs) {
        completed = true;
        if (!Number.isFinite(logs['loss'] ?? 0)) {
          bad += 1;
          trip(ctx);
          return;
        }
        bad = 0;
        if (p.restoreLastGood) {
          tf.dispose(good);
          good = ctx.model.trainableVariables.map((v) => tf.clone(v));
        }
      },
      onTrainEnd() {
        tf.dispose(good);
        good = undefined;
      },
    };
  },
});
