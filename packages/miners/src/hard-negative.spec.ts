import * as tf from '@tensorflow/tfjs-core';
import { infoNce } from '@tessera/losses';
import { expectNoLeak, expectTensorsClose, fixtureTensor, type FixtureTensor } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { hardNegative } from './hard-negative.js';
import { cases, expectedInts, inputsOf, ints } from './spec-helpers.js';
import { withMiners } from './with-miners.js';

describe('miner hard-negative', () => {
  for (const c of cases('hard-negative')) {
    it(`matches sentence-transformers' mine_hard_negatives rules: ${c.name}`, () => {
      const inputs = inputsOf(c);
      const out = hardNegative.create(c.params).mine(inputs);
      const mask = expectedInts(c.expected['negativeMask']);
      expect(ints(out['negativeMask'])).toEqual(mask);
      const got = ints(out['negativeIndices']);
      const want = expectedInts(c.expected['negativeIndices']);
      mask.forEach((m, j) => m && expect(got[j], `slot ${j}`).toBe(want[j]));
      expectTensorsClose(out['weights']!, fixtureTensor(c.expected['weights'] as FixtureTensor));
      const [n, d] = inputs['embeddings']!.shape;
      const k = (c.params['numNegatives'] as number | undefined) ?? 3;
      expect(out['negatives']!.shape).toEqual([n, k, d]);
    });
  }

  it('the false-negative margin removes a planted near-duplicate of a positive', () => {
    const c = cases('hard-negative')[1]!;
    const inputs = inputsOf(c);
    const n = inputs['embeddings']!.shape[0]!;
    const planted = n + 1 * 4 + 0; // pool row of negatives[1, 0]
    const noMargin = ints(hardNegative.create({ numNegatives: 2 }).mine(inputs)['negativeIndices']);
    const withMargin = ints(hardNegative.create(c.params).mine(inputs)['negativeIndices']);
    expect(noMargin.slice(0, 2)).toContain(planted);
    expect(withMargin.slice(0, 2)).not.toContain(planted);
  });

  it('feeds info-nce inside a gradient tape; zero-vector padding keeps everything finite', async () => {
    const c = cases('hard-negative')[3]!; // the window leaves some rows short of K
    const inputs = inputsOf(c);
    const loss = withMiners(infoNce.create({ temperature: 0.05 }), hardNegative.create(c.params));
    await expectNoLeak(() => {
      const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => loss.compute({ ...inputs, embeddings: x }) as tf.Scalar)(inputs['embeddings']!);
      expect(Number.isFinite(value.dataSync()[0])).toBe(true);
      expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
      return [value, grad];
    });
  });

  it('rejects rangeMax ≤ rangeMin and names the parameter', () => {
    expect(() => hardNegative.create({ rangeMin: 3, rangeMax: 2 })).toThrow(/rangeMax/);
  });
});
