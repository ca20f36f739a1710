import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { nanGuard } from './nan-guard.js';
import { classification, fakeContext, mlp, trainer } from './spec-trainer.js';

describe('callback nan-guard', () => {
  it('stops after N consecutive skipped (non-finite) steps and restores the last good weights', async () => {
    const model = mlp(81);
    const clean = classification();
    const poisoned = tf.tidy(() => tf.concat([tf.fill([1, 6], NaN), tf.slice(clean.x, [1, 0], [95, 6])]));
    const data = { x: poisoned, y: clean.y };
    // Batches of 48 without shuffling: the first batch of every epoch is poisoned, the second clean.
    const cb = nanGuard.create({ maxConsecutive: 1, restoreLastGood: true });
    const res = await trainer().fit({ model, data, loss: 'cross-entropy', optimizer: tf.train.sgd(0.1), callbacks: [cb], epochs: 5, batchSize: 48, shuffle: false, nanPolicy: 'skip' });
    expect(res.skipped.length).toBeGreaterThanOrEqual(1);
    expect(res.stopReason).toBe('callback');
    expect(model.vars.every((v) => Array.from(v.dataSync()).every(Number.isFinite))).toBe(true);
    const patient = nanGuard.create({ maxConsecutive: 2 });
    const res2 = await trainer().fit({ model, data, loss: 'cross-entropy', optimizer: tf.train.sgd(0.1), callbacks: [patient], epochs: 3, batchSize: 48, shuffle: false, nanPolicy: 'skip' });
    // Never two bad steps in a row: runs to the end.
    expect(res2.stopReason).toBe('completed');
    expect(res2.steps).toBe(3);
    tf.dispose([...model.vars, clean.x, clean.y, poisoned]);
  });

  it('zeroNonFinite replaces NaN/Inf gradient entries by 0 (optax zero_nans)', () => {
    const w = tf.variable(tf.zeros([3]));
    const { ctx } = fakeContext([w]);
    const cb = nanGuard.create({ zeroNonFinite: true });
    const out = cb.afterBackward!(ctx as never, { [w.name]: tf.tensor1d([1, NaN, -Infinity]) })!;
    expect(Array.from(out[w.name]!.dataSync())).toEqual([1, 0, 0]);
    expect(nanGuard.create().afterBackward!(ctx as never, {})).toBeUndefined();
  });
});
