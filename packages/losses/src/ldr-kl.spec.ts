import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { ldrKl } from './ldr-kl.js';

import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('ldr-kl', () => {
  fixtureSuite(ldrKl, 'ldr-kl');
  standardChecks(ldrKl, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3), labels: randInt(n, 5, n + 7) }),
    empty: 'zero',
    allIgnored: () => ({ logits: randn([3, 5], 3), labels: tf.tensor1d([-100, -100, -100], 'int32') }),
    params: { lambda: 0.5 },
  });
  it('closed form at zero logits: λ·log((1 + (C−1)e^{c/λ})/C)', () => {
    const logits = randn([6, 5], 11, 2);
    const labels = randInt(6, 5, 2);
    const zero = tf.zeros([2, 5]);
    const y2 = tf.tensor1d([0, 3], 'int32');
    expectTensorsClose(ldrKl.create({ threshold: 2, lambda: 0.5 }).compute({ logits: zero, labels: y2 }), 0.5 * Math.log((1 + 4 * Math.exp(4)) / 5));
    void logits; void labels;
  });
});
