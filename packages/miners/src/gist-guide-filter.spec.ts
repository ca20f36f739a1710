import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeak, expectTensorsClose, fixtureTensor, type FixtureTensor } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { gistGuideFilter } from './gist-guide-filter.js';
import { cases, expectedInts, inputsOf, ints } from './spec-helpers.js';

describe('miner gist-guide-filter', () => {
  for (const c of cases('gist-guide-filter')) {
    it(`matches GISTEmbed's guide rule (strict >, self and own positive excluded): ${c.name}`, () => {
      const inputs = inputsOf(c);
      const out = gistGuideFilter.create(c.params).mine(inputs);
      const mask = expectedInts(c.expected['negativeMask']);
      expect(ints(out['negativeMask'])).toEqual(mask);
      const got = ints(out['negativeIndices']);
      const want = expectedInts(c.expected['negativeIndices']);
      mask.forEach((m, j) => m && expect(got[j], `slot ${j}`).toBe(want[j]));
      expectTensorsClose(out['weights']!, fixtureTensor(c.expected['weights'] as FixtureTensor));
      expect(out['guideNegatives']!.shape.slice(0, 2)).toEqual(out['negatives']!.shape.slice(0, 2));
    });
  }

  it('never mines the anchor itself, even when the guide threshold is 1 (the reference bug)', () => {
    const c = cases('gist-guide-filter')[3]!;
    const inputs = inputsOf(c);
    const n = inputs['embeddings']!.shape[0]!;
    const out = gistGuideFilter.create({ numNegatives: 2 * n - 2 }).mine(inputs);
    const idx = ints(out['negativeIndices']);
    const mask = ints(out['negativeMask']);
    const k = 2 * n - 2;
    const row2 = idx.slice(2 * k, 3 * k).filter((_, j) => mask[2 * k + j]);
    expect(row2).not.toContain(2); // own positive (= the anchor)
    expect(row2).not.toContain(n + 2); // the anchor itself
  });

  it('fails clearly without the guide embeddings', () => {
    const c = cases('gist-guide-filter')[0]!;
    const { guideEmbeddings: _g, ...rest } = inputsOf(c);
    expect(() => gistGuideFilter.create().mine(rest)).toThrow(/guideEmbeddings/);
  });

  it('leaks no tensor', async () => {
    const c = cases('gist-guide-filter')[1]!;
    const inputs = inputsOf(c);
    const miner = gistGuideFilter.create(c.params);
    await expectNoLeak(() => {
      const out = miner.mine(inputs);
      return Object.fromEntries(Object.entries(out).filter(([k]) => !(k in inputs) || k === 'negatives' || k === 'guideNegatives'));
    });
    void tf;
  });
});
