import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeak, expectTensorsClose, fixtureTensor, type FixtureTensor } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { semiHard } from './semi-hard.js';
import { cases, expectedInts, inputsOf, ints } from './spec-helpers.js';

describe('miner semi-hard', () => {
  for (const c of cases('semi-hard')) {
    it(`matches the PML semi-hard triplet set, nearest first: ${c.name}`, () => {
      const inputs = inputsOf(c);
      const out = semiHard.create(c.params).mine(inputs);
      const mask = expectedInts(c.expected['negativeMask']);
      const got = ints(out['negativeIndices']);
      const want = expectedInts(c.expected['negativeIndices']);
      expect(ints(out['negativeMask'])).toEqual(mask);
      mask.forEach((m, j) => m && expect(got[j], `slot ${j}`).toBe(want[j]));
      expectTensorsClose(out['weights']!, fixtureTensor(c.expected['weights'] as FixtureTensor));
      const w = ints(out['weights']);
      const pi = ints(out['positiveIndices']);
      const wantP = expectedInts(c.expected['positiveIndices']);
      w.forEach((k, i) => k && expect(pi[i]).toBe(wantP[i]));
    });
  }

  it('selects nothing when the band is empty (margin → 0) and stays finite', () => {
    const c = cases('semi-hard')[0]!;
    const out = semiHard.create({ margin: 0 }).mine(inputsOf(c));
    expect(ints(out['weights']).every((w) => w === 0)).toBe(true);
    expect(Array.from(out['negatives']!.dataSync()).every(Number.isFinite)).toBe(true);
  });

  it('leaks no tensor and carries gradient to the selected rows only', async () => {
    const c = cases('semi-hard')[1]!;
    const inputs = inputsOf(c);
    const miner = semiHard.create(c.params);
    const out = miner.mine(inputs);
    const mined = ints(out['negativeIndices']);
    const mask = ints(out['negativeMask']);
    await expectNoLeak(() => {
      const g = tf.grad((x: tf.Tensor) => tf.sum(miner.mine({ ...inputs, embeddings: x })['negatives']!))(inputs['embeddings']!);
      // Row j of the gradient counts how often j was mined (times D ones).
      const counts = new Array(inputs['embeddings']!.shape[0]).fill(0);
      mined.forEach((j, s) => mask[s] && (counts[j] += 1));
      const rowSums = tf.sum(g, 1);
      expectTensorsClose(rowSums, counts.map((k) => k * inputs['embeddings']!.shape[1]!));
      return [g, rowSums];
    });
  });
});
