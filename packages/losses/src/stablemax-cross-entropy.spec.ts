import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { stablemaxCrossEntropy } from './stablemax-cross-entropy.js';

import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('stablemax-cross-entropy', () => {
  fixtureSuite(stablemaxCrossEntropy, 'stablemax-cross-entropy');
  standardChecks(stablemaxCrossEntropy, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3), labels: randInt(n, 5, n + 7) }),
    empty: 'zero',
    allIgnored: () => ({ logits: randn([3, 5], 3), labels: tf.tensor1d([-100, -100, -100], 'int32') }),
    params: {},
  });
  it('closed form: log C at zero logits; s(x) by hand', () => {
    const logits = randn([6, 5], 11, 2);
    const labels = randInt(6, 5, 2);
    const zero = tf.zeros([2, 5]);
    const y2 = tf.tensor1d([0, 3], 'int32');
    expectTensorsClose(stablemaxCrossEntropy.create().compute({ logits: zero, labels: y2 }), Math.log(5));
    const z = tf.tensor2d([[1, -1, 0, 0, 0]]); // s = 2, 0.5, 1, 1, 1 → p_0 = 2/5.5
    expectTensorsClose(stablemaxCrossEntropy.create().compute({ logits: z, labels: tf.tensor1d([0], 'int32') }), -Math.log(2 / 5.5));
    void logits; void labels;
  });
});
