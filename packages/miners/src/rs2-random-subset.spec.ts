import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { rs2RandomSubset } from './rs2-random-subset.js';
import { classification, fakeContext, mlp, trainer } from './spec-trainer.js';

describe('callback rs2-random-subset', () => {
  it('without replacement: consecutive rounds cover every sample exactly once before any repeats', () => {
    const cb = rs2RandomSubset.create({ numSamples: 50, ratio: 0.2, seed: 3 });
    const seen: number[] = [];
    for (let e = 0; e < 5; e++) {
      cb.onEpochBegin!(fakeContext([]).ctx as never);
      expect(cb.subset()).toHaveLength(10);
      seen.push(...cb.subset());
    }
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    cb.onTrainEnd!(fakeContext([]).ctx as never);
  });

  it('with replacement: each round a uniform subset without duplicates; rounds differ', () => {
    const cb = rs2RandomSubset.create({ numSamples: 40, ratio: 0.25, replacement: true, seed: 1 });
    cb.onEpochBegin!(fakeContext([]).ctx as never);
    const a = [...cb.subset()];
    cb.onEpochBegin!(fakeContext([]).ctx as never);
    expect(new Set(cb.subset()).size).toBe(10);
    expect(cb.subset()).not.toEqual(a);
    cb.onTrainEnd!(fakeContext([]).ctx as never);
  });

  it('masks the batch by sampleIds; a batch with no selected sample is skipped; the round is checkpointed', async () => {
    const data = classification(40);
    const sampleIds = tf.range(0, 40, 1, 'int32');
    const cb = rs2RandomSubset.create({ numSamples: 40, ratio: 0.05, seed: 2 }); // 2 samples per round
    const weights: number[][] = [];
    const spy = { reweight: (_c: unknown, per: tf.Tensor) => tf.onesLike(per) };
    const model = mlp(5);
    const res = await trainer().fit({ model, data: { ...data, fields: { sampleIds } }, loss: 'cross-entropy', optimizer: tf.train.sgd(0.1), callbacks: [cb, spy], epochs: 3, batchSize: 8, shuffle: false });
    // 5 batches of 8 per epoch; the 2 selected ids fall in at most 2 of them.
    expect(res.steps + res.skipped.length).toBe(15);
    expect(res.skipped.length).toBeGreaterThanOrEqual(9);
    expect(res.skipped.every((s) => s.reason.includes('selected no sample'))).toBe(true);
    const ids = tf.tensor1d([...cb.subset(), 0, 1, 2], 'int32');
    const w = Array.from(cb.reweight!(fakeContext([]).ctx as never, tf.zeros([5]), { x: ids, size: 5, fields: { sampleIds: ids } }).dataSync());
    expect(w.slice(0, 2)).toEqual([1, 1]);
    weights.push(w);
    const state = cb.getState!();
    const restored = rs2RandomSubset.create({ numSamples: 40, ratio: 0.05, seed: 2 });
    restored.setState!(state);
    expect(restored.subset()).toEqual(cb.subset());
    cb.onEpochBegin!(fakeContext([]).ctx as never);
    restored.onEpochBegin!(fakeContext([]).ctx as never);
    expect(restored.subset()).toEqual(cb.subset());
    tf.dispose([...model.vars, data.x, data.y, sampleIds, ids]);
  });

  it('fails clearly without numSamples or without sampleIds', () => {
    expect(() => rs2RandomSubset.create().onTrainBegin!(fakeContext([]).ctx as never)).toThrow(/numSamples/);
    const cb = rs2RandomSubset.create({ numSamples: 4 });
    expect(() => cb.reweight!(fakeContext([]).ctx as never, tf.zeros([2]), { x: tf.zeros([2]), size: 2 })).toThrow(/sampleIds/);
  });
});
