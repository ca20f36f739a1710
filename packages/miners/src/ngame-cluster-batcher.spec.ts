import * as tf from '@tensorflow/tfjs-core';
import { Sfc32Rng, tensorDataset, type TrainableModel } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { balancedClusters, ngameClusterBatcher } from './ngame-cluster-batcher.js';
import { fakeContext, trainer } from './spec-trainer.js';

/** 64 points in 4 well-separated blobs (blob = i mod 4), unit-normalised in 3-D. */
function blobs(): { x: tf.Tensor2D; blob: number[] } {
  const centres = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [-1, -1, 0]];
  const rng = new Sfc32Rng(5);
  const rows: number[][] = [];
  const blob: number[] = [];
  for (let i = 0; i < 64; i++) {
    const c = centres[i % 4]!;
    rows.push(c.map((v) => v + 0.1 * (rng.next() - 0.5)));
    blob.push(i % 4);
  }
  return { x: tf.tensor2d(rows), blob };
}

describe('callback ngame-cluster-batcher', () => {
  it('balanced 2-means: clusters partition the points, at most C each, and group blobs', () => {
    const { x, blob } = blobs();
    const flat = x.dataSync() as Float32Array;
    const unit = new Float32Array(flat.length);
    for (let i = 0; i < 64; i++) {
      const n = Math.hypot(flat[3 * i]!, flat[3 * i + 1]!, flat[3 * i + 2]!);
      for (let k = 0; k < 3; k++) unit[3 * i + k] = flat[3 * i + k]! / n;
    }
    const clusters = balancedClusters(unit, 3, Array.from({ length: 64 }, (_, i) => i), 16, new Sfc32Rng(1));
    expect(clusters.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect(clusters.every((c) => c.length <= 16)).toBe(true);
    for (const c of clusters) expect(new Set(c.map((i) => blob[i])).size).toBe(1);
    x.dispose();
  });

  it('epoch orders are permutations; clustered epochs are unions of whole clusters with similar points per batch', async () => {
    const { x, blob } = blobs();
    const model: TrainableModel = { trainableVariables: [], forward: (v) => tf.clone(v as tf.Tensor) };
    const cb = ngameClusterBatcher.create({ clusterSize: 8, startEpoch: 1, refreshEvery: 2 });
    const data = cb.wrap(tensorDataset({ x }));
    const { ctx, state } = fakeContext([]);
    (ctx as { model: TrainableModel }).model = model;
    const sameBlobShare = (order: readonly number[]) => {
      let same = 0;
      for (let b = 0; b < 64; b += 16) {
        const ids = order.slice(b, b + 16);
        for (const i of ids) for (const j of ids) if (i !== j && blob[i] === blob[j]) same += 1;
      }
      return same / (4 * 16 * 15);
    };
    await cb.onEpochBegin!(ctx as never);
    const random = [...cb.order()];
    expect([...random].sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, i) => i));
    state.epoch = 1;
    await cb.onEpochBegin!(ctx as never);
    const clustered = [...cb.order()];
    expect([...clustered].sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, i) => i));
    // Each batch of 16 is two whole clusters of 8.
    const clusterOf = new Map(cb.clusters().flatMap((c, k) => c.map((i) => [i, k] as [number, number])));
    for (let b = 0; b < 64; b += 16) expect(new Set(clustered.slice(b, b + 16).map((i) => clusterOf.get(i))).size).toBe(2);
    expect(sameBlobShare(clustered)).toBeGreaterThan(sameBlobShare(random) + 0.2);
    // The wrapped dataset serves the order.
    const batch = data.batch([0, 1]);
    expect(Array.from((batch.x as tf.Tensor).dataSync())).toEqual(Array.from(tf.gather(x, clustered.slice(0, 2)).dataSync()));
    x.dispose();
  });

  it('trains through the wrapped dataset with shuffle off; a missing wrap is reported', async () => {
    const { x, blob } = blobs();
    const w = tf.tidy(() => tf.variable(tf.randomNormal([3, 4], 0, 0.5, 'float32', 2), true, 'ngame-w'));
    const y = tf.tensor1d(blob, 'int32');
    const model: TrainableModel = { trainableVariables: [w], forward: (v) => tf.matMul(v as tf.Tensor, w) };
    const cb = ngameClusterBatcher.create({ clusterSize: 8, startEpoch: 1 });
    const data = cb.wrap(tensorDataset({ x, y }));
    const res = await trainer().fit({ model, data, loss: 'cross-entropy', optimizer: tf.train.sgd(0.1), callbacks: [cb], epochs: 2, batchSize: 16, shuffle: false });
    expect(res.steps).toBe(8);
    await expect(ngameClusterBatcher.create().onEpochBegin!(fakeContext([]).ctx as never)).rejects.toThrow(/wrap/);
    tf.dispose([x, w, y]);
  });
});
