import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { focal } from './focal.js';
import { crossEntropy } from './cross-entropy.js';
import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('focal', () => {
  fixtureSuite(focal, 'focal');
  standardChecks(focal, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3), labels: randInt(n, 5, n + 7) }),
    empty: 'zero',
    allIgnored: () => ({ logits: randn([3, 5], 3), labels: tf.tensor1d([-100, -100, -100], 'int32') }),
    params: { gamma: 0.5, alpha: [1, 2, 1, 1, 0.5] },
  });
  it('a scalar alpha scales every class (kornia-style)', () => {
    const logits = randn([5, 4], 3, 2);
    const labels = randInt(5, 4, 4);
    expectTensorsClose(focal.create({ alpha: 0.25 }).compute({ logits, labels }), tf.mul(focal.create().compute({ logits, labels }), 0.25));
    expectTensorsClose(focal.create({ alpha: 0.25 }).compute({ logits, labels }), focal.create({ alpha: [0.25, 0.25, 0.25, 0.25] }).compute({ logits, labels }));
  });
  it('special case: gamma 0 equals cross-entropy', () => {
    const logits = randn([6, 4], 11, 2);
    const labels = randInt(6, 4, 2);
    expectTensorsClose(focal.create({ gamma: 0 }).compute({ logits, labels }, { reduction: 'none' }), crossEntropy.create().compute({ logits, labels }, { reduction: 'none' }));
  });
});
