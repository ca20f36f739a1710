import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { earlyStopping } from './early-stopping.js';
import { classification, fakeContext, mlp, trainer } from './spec-trainer.js';

/** Keras EarlyStopping's epoch at which training stops for a metric sequence (written out from its on_epoch_end). */
function kerasStop(values: number[], o: { patience: number; minDelta?: number; mode?: 'min' | 'max'; baseline?: number }): number | undefined {
  const sign = o.mode === 'max' ? 1 : -1;
  const better = (a: number, b: number) => (sign > 0 ? a - (o.minDelta ?? 0) > b : a + (o.minDelta ?? 0) < b);
  let best = sign > 0 ? -Infinity : Infinity;
  let wait = 0;
  for (let e = 0; e < values.length; e++) {
    wait += 1;
    if (better(values[e]!, best)) {
      best = values[e]!;
      if (o.baseline === undefined || better(values[e]!, o.baseline)) {
        wait = 0;
        continue;
      }
    }
    if (wait >= o.patience && e > 0) return e;
  }
  return undefined;
}

describe('callback early-stopping', () => {
  const sequences: [number[], { patience: number; minDelta?: number; mode?: 'min' | 'max'; baseline?: number }][] = [
    [[1, 0.9, 0.95, 0.91, 0.8, 0.7], { patience: 2 }],
    [[1, 0.9, 0.89, 0.88, 0.87], { patience: 1, minDelta: 0.05 }],
    [[0.1, 0.2, 0.3, 0.25, 0.2, 0.1], { patience: 2, mode: 'max' }],
    [[1, 0.9, 0.8, 0.7], { patience: 2, baseline: 0.5 }],
    [[1, 1, 1], { patience: 0 }],
  ];
  for (const [values, o] of sequences) {
    it(`stops where Keras does: ${JSON.stringify(values)} ${JSON.stringify(o)}`, () => {
      const w = tf.variable(tf.scalar(0));
      const { ctx, state } = fakeContext([w]);
      const cb = earlyStopping.create({ monitor: 'val_metric', mode: o.mode ?? 'min', patience: o.patience, minDelta: o.minDelta ?? 0, baseline: o.baseline ?? null, restoreBestWeights: true });
      let stoppedAt: number | undefined;
      for (let e = 0; e < values.length && stoppedAt === undefined; e++) {
        w.assign(tf.scalar(e));
        state.epoch = e + 1; // the trainer has counted the finished epoch
        cb.onEpochEnd!(ctx as never, { val_metric: values[e]! });
        if (state.stopped) stoppedAt = e;
      }
      expect(stoppedAt).toBe(kerasStop(values, o));
      if (stoppedAt !== undefined) {
        // restoreBestWeights: the weight set at the best epoch (its index) is back.
        const bestEpoch = values.slice(0, stoppedAt + 1).reduce((bi, v, i, a) => ((o.mode === 'max' ? v - (o.minDelta ?? 0) > a[bi]! : v + (o.minDelta ?? 0) < a[bi]!) ? i : bi), 0);
        expect(w.dataSync()[0]).toBe(bestEpoch);
      }
      cb.onTrainEnd!(ctx as never);
      w.dispose();
    });
  }

  it('stops a real fit when the validation loss stops improving', async () => {
    const model = mlp(31);
    const data = classification();
    const cb = earlyStopping.create({ monitor: 'val_loss', patience: 0, minDelta: 10 });
    const res = await trainer().fit({ model, data, validation: data, loss: 'cross-entropy', optimizer: tf.train.sgd(0.05), callbacks: [cb], epochs: 10, batchSize: 32 });
    expect(res.stopReason).toBe('callback');
    expect(res.epochs).toBe(2);
    tf.dispose([...model.vars, data.x, data.y]);
  });
});
