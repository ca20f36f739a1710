import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { biasLoss } from './bias-loss.js';
import { randInt, randn, standardChecks, statefulChecks, statefulFixtureSuite } from './spec-harness.js';

describe('bias-loss', () => {
  statefulFixtureSuite(biasLoss, 'bias-loss');
  standardChecks(biasLoss, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3), labels: randInt(n, 5, n + 7), features: randn([n, 6], n + 3) }),
    empty: 'zero',
    consistent: false, // the running minimum moves between calls
    allIgnored: () => ({ logits: randn([3, 5], 3), labels: tf.tensor1d([-100, -100, -100], 'int32'), features: randn([3, 6], 4) }),
  });
  statefulChecks(biasLoss, { output: 'logits', make: (k) => ({ logits: randn([4, 5], k + 1, 2), labels: randInt(4, 5, k + 3), features: randn([4, 6], k + 7, 1 + k) }) });
  it('with β = 0 the weights are α: α·cross-entropy', () => {
    const logits = randn([4, 3], 1, 2);
    const labels = randInt(4, 3, 2);
    const ce = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(labels, 3)), 1));
    expectTensorsClose(biasLoss.create({ beta: 0, alpha: 0.7 }).compute({ logits, labels, features: randn([4, 5], 3) }, { reduction: 'none' }), tf.mul(ce, 0.7));
  });
});
