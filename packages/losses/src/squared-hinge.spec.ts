import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { squaredHinge } from './squared-hinge.js';

import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('squared-hinge', () => {
  fixtureSuite(squaredHinge, 'squared-hinge');
  standardChecks(squaredHinge, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3), labels: randInt(n, 5, n + 7) }),
    empty: 'zero',
    allIgnored: () => ({ logits: randn([3, 5], 3), labels: tf.tensor1d([-100, -100, -100], 'int32') }),
    params: { margin: 0.5 },
  });
  it('closed form: mean over classes of max(0, 1 − t z)²', () => {
    const logits = randn([6, 5], 11, 2);
    const labels = randInt(6, 5, 2);
    const zero = tf.zeros([2, 5]);
    const y2 = tf.tensor1d([0, 3], 'int32');
    expectTensorsClose(squaredHinge.create().compute({ logits: zero, labels: y2 }), 1);
    const z = tf.tensor2d([[2, -1, 0.5, -3, 0]]);
    expectTensorsClose(squaredHinge.create().compute({ logits: z, labels: tf.tensor1d([0], 'int32') }), (0 + 0 + 1.5 ** 2 + 0 + 1) / 5);
    void logits; void labels;
  });
});
