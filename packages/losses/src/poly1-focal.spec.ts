import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { poly1Focal } from './poly1-focal.js';
import { crossEntropy } from './cross-entropy.js';
import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('poly1-focal', () => {
  fixtureSuite(poly1Focal, 'poly1-focal');
  standardChecks(poly1Focal, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3), labels: randInt(n, 5, n + 7) }),
    empty: 'zero',
    allIgnored: () => ({ logits: randn([3, 5], 3), labels: tf.tensor1d([-100, -100, -100], 'int32') }),
    params: { epsilon: 2, gamma: 1 },
  });
  it('special case: epsilon 0 and gamma 0 equal cross-entropy', () => {
    const logits = randn([6, 4], 11, 2);
    const labels = randInt(6, 4, 2);
    expectTensorsClose(poly1Focal.create({ epsilon: 0, gamma: 0 }).compute({ logits, labels }, { reduction: 'none' }), crossEntropy.create().compute({ logits, labels }, { reduction: 'none' }));
  });
});
