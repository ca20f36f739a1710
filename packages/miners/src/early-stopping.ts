import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, z, type Callback } from '@tessera/core';
import { PACKAGE } from './mining-utils.js';
import { improves, monitorParams, resolveMode } from './monitor.js';

/**
 * Stops training when a monitored metric has stopped improving (Keras `EarlyStopping`).
 *
 * Notation: metric value `v_e` at the end of epoch `e`, best `b`, `min_delta` δ,
 * `patience` P, wait counter `w`.
 * Every epoch end: `w ← w + 1`; if `v_e` improves on `b` by more than δ
 * (`v − δ > b` for max, `v + δ < b` for min): `b ← v_e` (and the weights are
 * copied when `restoreBestWeights`); if there is no `baseline` or `v_e`
 * improves on it, `w ← 0`. When `w ≥ P` and `e > 0` the trainer stops; with
 * `restoreBestWeights` the best epoch's weights are put back.
 * Epochs before `startFromEpoch` are ignored. A missing metric is skipped.
 * State (best, wait) is saved in checkpoints.
 *
 * @see https://keras.io/api/callbacks/early_stopping/
 */
export const earlyStopping = definePlugin({
  kind: 'callback',
  name: 'early-stopping',
  summary: 'Stops training when a monitored metric stops improving, optionally restoring the best weights (Keras EarlyStopping).',
  package: PACKAGE,
  params: z.strictObject({
    ...monitorParams,
    minDelta: z.number().min(0).max(1e9).default(0).describe('Minimum change that counts as an improvement (Keras min_delta).'),
    patience: z.number().int().min(0).max(1e6).default(0).describe('Epochs without improvement before stopping (Keras default 0).'),
    baseline: z.number().nullable().default(null).describe('Stop unless the metric improves on this value; null: off.'),
    restoreBestWeights: z.boolean().default(false).describe('Put back the weights of the best epoch when stopping.'),
    startFromEpoch: z.number().int().min(0).max(1e6).default(0).describe('Epochs of warm-up during which improvement is not checked.'),
  }),
  create: (p, manifest): Callback & { readonly best: number; readonly stoppedEpoch: number | undefined } => {
    const mode = resolveMode(p.mode, p.monitor);
    let best = mode === 'min' ? Infinity : -Infinity;
    let wait = 0;
    let bestWeights: tf.Tensor[] | undefined;
    let stoppedEpoch: number | undefined;
    return {
      manifest,
      stateKey: `callback:early-stopping:${p.monitor}`,
      get best() {
        return best;
      },
      get stoppedEpoch() {
        return stoppedEpoch;
      },
      onEpochEnd(ctx, logs) {
        const epoch = ctx.epoch - 1; // the trainer has already counted the finished epoch
        const v = logs[p.monitor];
        if (v === undefined || epoch < p.startFromEpoch) return;
        const vars = ctx.model.trainableVariables;
        if (p.restoreBestWeights && !bestWeights) bestWeights = vars.map((t) => tf.clone(t));
        wait += 1;
        if (improves(mode, v, best, p.minDelta)) {
          best = v;
          if (p.restoreBestWeights) {
            tf.dispose(bestWeights);
            bestWeights = vars.map((t) => tf.clone(t));
          }
          if (p.baseline === null || improves(mode, v, p.baseline, p.minDelta)) {
            wait = 0;
            return;
          }
        }
        if (wait >= p.patience && epoch > 0) {
          stoppedEpoch = epoch;
          ctx.stop('early-stopping');
          if (p.restoreBestWeights && bestWeights) vars.forEach((t, i) => (t as tf.Variable).assign(bestWeights![i]!));
        }
      },
      onTrainEnd() {
        tf.dispose(bestWeights);
        bestWeights = undefined;
      },
      getState: () => ({ state: tf.tensor1d([best, wait]) }),
      setState(state) {
        const v = state['state']?.dataSync();
        if (v) [best, wait] = [v[0]!, v[1]!];
      },
    };
  },
});
