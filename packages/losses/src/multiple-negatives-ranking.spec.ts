import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { multipleNegativesRanking } from './multiple-negatives-ranking.js';
import { infoNce } from './info-nce.js';
import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('multiple-negatives-ranking', () => {
  fixtureSuite(multipleNegativesRanking, 'multiple-negatives-ranking');
  standardChecks(multipleNegativesRanking, {
    output: 'embeddings',
    make: (n) => ({ embeddings: randn([n, 4], n + 1), positives: randn([n, 4], n + 2), negatives: randn([n, 2, 4], n + 3) }),
    empty: 'zero',
    params: { scale: 10 },
  });
  it('equals info-nce with temperature 1/scale', () => {
    const ins = { embeddings: randn([5, 4], 1), positives: randn([5, 4], 2), negatives: randn([5, 3, 4], 3) };
    expectTensorsClose(multipleNegativesRanking.create().compute(ins, { reduction: 'none' }), infoNce.create({ temperature: 1 / 20 }).compute(ins, { reduction: 'none' }));
  });
  void randInt;
});
