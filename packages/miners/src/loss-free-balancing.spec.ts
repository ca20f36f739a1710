import * as tf from '@tensorflow/tfjs-core';
import type { LossInputs, TrainableModel } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { lossFreeBalancing } from './loss-free-balancing.js';
import { fakeContext, trainer } from './spec-trainer.js';

describe('callback loss-free-balancing', () => {
  it('b ← b + u·sign(mean(c) − c) after each step, counts summed over micro-batches', async () => {
    const cb = lossFreeBalancing.create({ numExperts: 4, updateRate: 0.1 });
    const { ctx, state } = fakeContext([]);
    cb.afterForward!(ctx as never, { outputs: { expertCounts: tf.tensor1d([5, 1, 1, 1]) }, loss: tf.scalar(0) });
    cb.afterForward!(ctx as never, { outputs: { expertCounts: tf.tensor1d([3, 1, 3, 1]) }, loss: tf.scalar(0) });
    await cb.afterStep!(ctx as never, {});
    // c = [8, 2, 4, 2], mean 4: signs [−1, +1, 0, +1].
    expect(Array.from(cb.bias.dataSync()).map((v) => +v.toFixed(6))).toEqual([-0.1, 0.1, 0, 0.1]);
    expect(state.logged['maxVio']).toBeCloseTo(1, 6);
    expect(() => cb.afterForward!(ctx as never, { outputs: tf.zeros([2]), loss: tf.scalar(0) })).toThrow(/expertCounts/);
  });

  it('balances a toy top-1 router in a fit; the bias is in the checkpoint state', async () => {
    const E = 4;
    const cb = lossFreeBalancing.create({ numExperts: E, updateRate: 0.05 });
    // Fixed router scores favour expert 0; selection uses scores + bias; the gate uses the score only.
    const scores = tf.tidy(() => tf.add(tf.randomUniform([64, E], 0, 1, 'float32', 4), tf.tensor1d([0.5, 0, 0, 0])));
    const w = tf.variable(tf.zeros([1]), true, 'lfb-w');
    const model: TrainableModel = {
      trainableVariables: [w],
      forward: (x): LossInputs => {
        const s = tf.gather(scores, tf.cast(tf.reshape(x as tf.Tensor, [-1]), 'int32'));
        const choice = tf.argMax(tf.add(s, cb.bias), 1);
        const counts = tf.sum(tf.oneHot(choice, E), 0);
        const gate = tf.sum(tf.mul(s, tf.oneHot(choice, E)), 1);
        return { predictions: tf.mul(tf.expandDims(gate, 1), w), expertCounts: counts };
      },
    };
    const ids = tf.reshape(tf.range(0, 64, 1, 'float32'), [64, 1]);
    const res = await trainer().fit({ model, data: { x: ids, y: tf.zeros([64, 1]) }, loss: 'mse', optimizer: tf.train.sgd(0.01), callbacks: [cb], epochs: 40, batchSize: 64 });
    expect(res.steps).toBe(40);
    const counts = tf.tidy(() => tf.sum(tf.oneHot(tf.argMax(tf.add(scores, cb.bias), 1), E), 0)).dataSync();
    const initial = tf.tidy(() => tf.sum(tf.oneHot(tf.argMax(scores, 1), E), 0)).dataSync();
    const vio = (c: ArrayLike<number>) => (Math.max(...Array.from(c)) - 16) / 16;
    expect(vio(counts)).toBeLessThan(vio(initial) / 2);
    expect(cb.getState!()['bias']).toBe(cb.bias);
    tf.dispose([scores, w, ids]);
  });
});
