import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { multiMargin } from './multi-margin.js';

import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('multi-margin', () => {
  fixtureSuite(multiMargin, 'multi-margin');
  standardChecks(multiMargin, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3), labels: randInt(n, 5, n + 7) }),
    empty: 'zero',
    allIgnored: () => ({ logits: randn([3, 5], 3), labels: tf.tensor1d([-100, -100, -100], 'int32') }),
    params: { p: 2, classWeights: [1, 2, 1, 1, 0.5] },
  });
  it('closed form', () => {
    const logits = randn([6, 5], 11, 2);
    const labels = randInt(6, 5, 2);
    const zero = tf.zeros([2, 5]);
    const y2 = tf.tensor1d([0, 3], 'int32');
    // z = [0,0,0,0,0], y = 0: four margins of 1 → 4/5
    expectTensorsClose(multiMargin.create().compute({ logits: zero, labels: y2 }), 4 / 5);
    const z = tf.tensor2d([[2, 0, 1.5, 0, 0]]);
    expectTensorsClose(multiMargin.create().compute({ logits: z, labels: tf.tensor1d([0], 'int32') }), 0.5 / 5);
    void logits; void labels;
  });
});
