import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { poly1 } from './poly1.js';
import { crossEntropy } from './cross-entropy.js';
import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('poly1', () => {
  fixtureSuite(poly1, 'poly1');
  standardChecks(poly1, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3), labels: randInt(n, 5, n + 7) }),
    empty: 'zero',
    allIgnored: () => ({ logits: randn([3, 4], 3), labels: tf.tensor1d([-100, -100, -100], 'int32') }),
    params: { epsilon: 2, labelSmoothing: 0.1 },
  });
  it('special case: epsilon 0 equals cross-entropy', () => {
    const logits = randn([6, 4], 11, 2);
    const labels = randInt(6, 4, 2);
    expectTensorsClose(poly1.create({ epsilon: 0 }).compute({ logits, labels }, { reduction: 'none' }), crossEntropy.create().compute({ logits, labels }, { reduction: 'none' }));
  });
});
