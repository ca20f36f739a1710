import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { tripletMargin } from './triplet-margin.js';

import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('triplet-margin', () => {
  fixtureSuite(tripletMargin, 'triplet-margin');
  standardChecks(tripletMargin, {
    output: 'embeddings',
    make: (n) => ({ embeddings: randn([n, 4], n + 1), positives: randn([n, 4], n + 2), negatives: randn([n, 2, 4], n + 3) }),
    empty: 'zero',
    params: { swap: true },
  });
  it('closed form', () => {
    const a = tf.tensor2d([[0, 0]]);
    const v = tripletMargin.create({ margin: 1 }).compute({ embeddings: a, positives: tf.tensor2d([[3, 4]]), negatives: tf.tensor2d([[1, 0]]) });
    expectTensorsClose(v, 1 + Math.hypot(3 + 1e-6, 4 + 1e-6) - Math.hypot(-1 + 1e-6, 1e-6));
  });
  void randInt;
});
