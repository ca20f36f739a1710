import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '@tessera/core';
import { tripletMargin } from '@tessera/losses';
import { expectNoLeak, expectTensorsClose, fixtureTensor, type FixtureTensor } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { batchHard } from './batch-hard.js';
import { cases, expectedInts, inputsOf, ints } from './spec-helpers.js';
import { withMiners } from './with-miners.js';

describe('miner batch-hard', () => {
  for (const c of cases('batch-hard')) {
    it(`matches pytorch-metric-learning's BatchHardMiner: ${c.name}`, () => {
      const inputs = inputsOf(c);
      const out = batchHard.create(c.params).mine(inputs);
      const kept = expectedInts(c.expected['weights']);
      // Indices of dropped anchors are arbitrary; compare those PML keeps.
      const pi = ints(out['positiveIndices']);
      const ni = ints(out['negativeIndices']);
      const wantP = expectedInts(c.expected['positiveIndices']);
      const wantN = expectedInts(c.expected['negativeIndices']);
      kept.forEach((k, i) => {
        if (k) {
          expect(pi[i], `positive of anchor ${i}`).toBe(wantP[i]);
          expect(ni[i], `negative of anchor ${i}`).toBe(wantN[i]);
        }
      });
      expectTensorsClose(out['weights']!, fixtureTensor(c.expected['weights'] as FixtureTensor));
      expect(out['negatives']!.shape).toEqual([inputs['embeddings']!.shape[0], 1, inputs['embeddings']!.shape[1]]);
    });

    it(`gives triplet-margin the value and gradient of torch on the mined triplets: ${c.name}`, () => {
      const inputs = inputsOf(c);
      const loss = withMiners(tripletMargin.create({ margin: c['margin'] as number }), batchHard.create(c.params));
      const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => loss.compute({ ...inputs, embeddings: x }) as tf.Scalar)(inputs['embeddings']!);
      expectTensorsClose(value, c.expected['tripletLoss'] as number);
      expectTensorsClose(grad, fixtureTensor(c.expected['grad'] as FixtureTensor));
    });
  }

  it('fails clearly without labels', () => {
    expect(() => batchHard.create().mine({ embeddings: tf.ones([3, 2]) })).toThrow(ShapeError);
    expect(() => batchHard.create().mine({ embeddings: tf.ones([3, 2]) })).toThrow(/labels/);
  });

  it('leaks no tensor', async () => {
    const c = cases('batch-hard')[0]!;
    const inputs = inputsOf(c);
    const miner = batchHard.create();
    await expectNoLeak(() => {
      const out = miner.mine(inputs);
      return Object.fromEntries(Object.entries(out).filter(([k]) => !(k in inputs)));
    });
  });
});
