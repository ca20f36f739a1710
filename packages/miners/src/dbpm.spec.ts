import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { dbpm } from './dbpm.js';
import { classification, fakeContext, mlp, trainer } from './spec-trainer.js';

/** Feeds per-sample losses for every epoch (one batch of all ids), returns the weights of the last epoch. */
function run(cb: ReturnType<typeof dbpm.create>, epochs: number[][]): number[] {
  const { ctx, state } = fakeContext([]);
  const ids = tf.range(0, epochs[0]!.length, 1, 'int32');
  let w: number[] = [];
  cb.onTrainBegin!(ctx as never);
  epochs.forEach((losses, e) => {
    state.epoch = e;
    cb.onEpochBegin!(ctx as never);
    w = Array.from(cb.reweight!(ctx as never, tf.tensor1d(losses), { x: ids, size: losses.length, fields: { sampleIds: ids } }).dataSync());
    state.epoch = e + 1;
    cb.onEpochEnd!(ctx as never, {});
  });
  return w;
}

/** μ, σ (population) of the history means, from the definition. */
function stats(history: number[][]): { m: number[]; mu: number; sigma: number } {
  const m = history[0]!.map((_, i) => history.reduce((s, h) => s + h[i]!, 0) / history.length);
  const mu = m.reduce((a, b) => a + b, 0) / m.length;
  const sigma = Math.sqrt(m.reduce((a, v) => a + (v - mu) ** 2, 0) / m.length);
  return { m, mu, sigma };
}

describe('callback dbpm', () => {
  const warm = [
    [1, 1.2, 0.9, 1.1, 1, 5],
    [1, 0.8, 1.1, 0.9, 1, 5.4],
  ];
  const now = [1, 1, 1, 1, 1, 4];

  it('flags faulty pairs from their loss history and weights them by N(L; μ, σ²); others keep 1', () => {
    const cb = dbpm.create({ numSamples: 6, warmupEpochs: 2, fpCut: 1 });
    const w = run(cb, [...warm, now]);
    const { m, mu, sigma } = stats(warm);
    const pdf = (x: number) => Math.exp(-(((x - mu) / sigma) ** 2) / 2) / (sigma * Math.sqrt(2 * Math.PI));
    const expected = now.map((l, i) => (m[i]! > mu + sigma || m[i]! < mu - 2 * sigma ? pdf(l) : 1));
    expect(expected.filter((v) => v !== 1)).toHaveLength(1);
    expectTensorsClose(tf.tensor1d(w), expected);
    expect(Array.from(cb.flags()!.faulty.dataSync())).toEqual([0, 0, 0, 0, 0, 1]);
  });

  it('the reference bug: with σ < 0.399 the density exceeds 1 (pdf); kernel keeps weights in (0, 1]', () => {
    const tight = [
      [1, 1, 1, 1, 1, 1.2],
      [1, 1, 1, 1, 1, 1.2],
    ];
    const pdfW = run(dbpm.create({ numSamples: 6, warmupEpochs: 2, fpCut: 1 }), [...tight, [1, 1, 1, 1, 1, 1.05]]);
    const kerW = run(dbpm.create({ numSamples: 6, warmupEpochs: 2, fpCut: 1, weighting: 'kernel' }), [...tight, [1, 1, 1, 1, 1, 1.05]]);
    expect(pdfW[5]).toBeGreaterThan(1);
    expect(kerW[5]).toBeGreaterThan(0);
    expect(kerW[5]).toBeLessThanOrEqual(1);
  });

  it('nothing is flagged before warm-up or when all histories are equal; runs in a fit', async () => {
    expect(run(dbpm.create({ numSamples: 6, warmupEpochs: 3 }), [...warm, now])).toEqual([1, 1, 1, 1, 1, 1]);
    expect(run(dbpm.create({ numSamples: 3, warmupEpochs: 1, fpCut: 0, npCut: 0 }), [[1, 1, 1], [2, 2, 2]])).toEqual([1, 1, 1]);
    const model = mlp(19);
    const data = classification(32);
    const sampleIds = tf.range(0, 32, 1, 'int32');
    const cb = dbpm.create({ numSamples: 32, warmupEpochs: 1, fpCut: 1, npCut: 1 });
    const res = await trainer().fit({ model, data: { ...data, fields: { sampleIds } }, loss: 'cross-entropy', optimizer: tf.train.sgd(0.1), callbacks: [cb], epochs: 3, batchSize: 16 });
    expect(res.steps).toBe(6);
    const flags = cb.flags();
    expect(flags).toBeUndefined(); // disposed at train end
    tf.dispose([...model.vars, data.x, data.y, sampleIds]);
  });
});
