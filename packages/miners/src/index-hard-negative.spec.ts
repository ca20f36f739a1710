import * as tf from '@tensorflow/tfjs-core';
import { infoNce } from '@tessera/losses';
import { expectNoLeak } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { indexHardNegative } from './index-hard-negative.js';
import { withMiners } from './with-miners.js';

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('miner index-hard-negative', () => {
  const docs = tf.tensor2d([[1, 0], [0.9, 0.3], [0, 1], [-1, 0], [0.5, 0.5]]);

  it('retrieves the K highest dot products, excluding the relevant documents', () => {
    const miner = indexHardNegative.create({ numNegatives: 2 });
    miner.setIndex(docs);
    const q = tf.tensor2d([[1, 0.1], [0, 2]]);
    // q0 scores: [1, 0.93, 0.1, −1, 0.55]; relevant 0 → [1, 4]. q1: [0, 0.6, 2, 0, 1]; relevant 2 (and pad) → [4, 1].
    const out = miner.mine({ embeddings: q, positiveIds: tf.tensor2d([[0, -1], [2, -1]], [2, 2], 'int32') });
    expect(values(out['negativeIds']!)).toEqual([1, 4, 4, 1]);
    expect(values(out['negatives']!)).toEqual([0.9, 0.3, 0.5, 0.5, 0.5, 0.5, 0.9, 0.3].map((v) => Math.fround(v)));
    expect(values(out['weights']!)).toEqual([1, 1]);
    const cos = indexHardNegative.create({ numNegatives: 1, similarity: 'cosine' });
    cos.setIndex(docs);
    expect(values(cos.mine({ embeddings: tf.tensor2d([[10, 10]]), positiveIds: tf.tensor1d([4], 'int32') })['negativeIds']!)).toEqual([1]);
    miner.dispose();
    cos.dispose();
  });

  it('marks queries short of K non-relevant documents; queries train, the index does not', async () => {
    const miner = indexHardNegative.create({ numNegatives: 5 });
    miner.setIndex(docs);
    const q = tf.tensor2d([[1, 0.1], [0, 2]]);
    const p = tf.tensor2d([[1, 0], [0, 1]]);
    const out = miner.mine({ embeddings: q, positives: p, positiveIds: tf.tensor1d([0, 2], 'int32') });
    expect(values(out['negativeMask']!)).toEqual([1, 1, 1, 1, 0, 1, 1, 1, 1, 0]);
    expect(values(out['weights']!)).toEqual([0, 0]);
    const m2 = indexHardNegative.create({ numNegatives: 2 });
    m2.setIndex(docs);
    const l2 = withMiners(infoNce.create({ temperature: 0.5 }), m2);
    await expectNoLeak(() => {
      const g = tf.grad((x: tf.Tensor) => l2.compute({ embeddings: x, positives: p, positiveIds: tf.tensor1d([0, 2], 'int32') }) as tf.Scalar)(q);
      expect(values(g).every(Number.isFinite)).toBe(true);
      expect(values(g).some((v) => v !== 0)).toBe(true);
      return g;
    });
    m2.dispose();
    miner.dispose();
  });

  it('fails clearly without an index or with a mismatched dimension', () => {
    expect(() => indexHardNegative.create().mine({ embeddings: tf.zeros([1, 2]) })).toThrow(/setIndex/);
    const m = indexHardNegative.create();
    m.setIndex(tf.zeros([3, 4]));
    expect(() => m.mine({ embeddings: tf.zeros([1, 2]) })).toThrow(/D = 2/);
    m.dispose();
  });
});
