import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { supcon } from './supcon.js';
import { ntXent } from './nt-xent.js';
import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('supcon', () => {
  fixtureSuite(supcon, 'supcon');
  standardChecks(supcon, {
    output: 'embeddings',
    make: (n) => ({ embeddings: randn([n, 4], n + 1), positives: randn([n, 4], n + 2), labels: randInt(n, 3, n + 5) }),
    empty: 'zero',
    params: { temperature: 0.1 },
  });
  it('distinct labels and two views: equals nt-xent', () => {
    const ins = { embeddings: randn([5, 4], 1), positives: randn([5, 4], 2), labels: tf.tensor1d([0, 1, 2, 3, 4], 'int32') };
    expectTensorsClose(supcon.create({ temperature: 0.3, baseTemperature: 0.3 }).compute(ins, { reduction: 'none' }), ntXent.create({ temperature: 0.3 }).compute(ins, { reduction: 'none' }));
  });
  void randInt;
});
