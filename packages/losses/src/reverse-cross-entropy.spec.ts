import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { reverseCrossEntropy } from './reverse-cross-entropy.js';

import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('reverse-cross-entropy', () => {
  fixtureSuite(reverseCrossEntropy, 'reverse-cross-entropy');
  standardChecks(reverseCrossEntropy, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3), labels: randInt(n, 5, n + 7) }),
    empty: 'zero',
    allIgnored: () => ({ logits: randn([3, 5], 3), labels: tf.tensor1d([-100, -100, -100], 'int32') }),
    params: {},
  });
  it('closed form: −log(1e-4)·(C−1)/C at zero logits', () => {
    const logits = randn([6, 5], 11, 2);
    const labels = randInt(6, 5, 2);
    const zero = tf.zeros([2, 5]);
    const y2 = tf.tensor1d([0, 3], 'int32');
    expectTensorsClose(reverseCrossEntropy.create().compute({ logits: zero, labels: y2 }), -Math.log(1e-4) * 4 / 5);
    void logits; void labels;
  });
});
