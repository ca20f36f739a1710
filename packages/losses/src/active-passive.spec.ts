import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { activePassive } from './active-passive.js';
import { normalizedCrossEntropy } from './normalized-cross-entropy.js';
import { reverseCrossEntropy } from './reverse-cross-entropy.js';
import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('active-passive', () => {
  fixtureSuite(activePassive, 'active-passive');
  standardChecks(activePassive, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3), labels: randInt(n, 5, n + 7) }),
    empty: 'zero',
    allIgnored: () => ({ logits: randn([3, 5], 3), labels: tf.tensor1d([-100, -100, -100], 'int32') }),
    params: { passive: 'mae', alpha: 2, beta: 0.5 }, // NFL's detached weights make finite differences inapplicable; its gradient is pinned by the fixture
  });
  it('NCE+RCE is the sum of its parts', () => {
    const logits = randn([6, 5], 11, 2);
    const labels = randInt(6, 5, 2);
    const zero = tf.zeros([2, 5]);
    const y2 = tf.tensor1d([0, 3], 'int32');
    const sum = tf.add(normalizedCrossEntropy.create({ scale: 10 }).compute({ logits, labels }), reverseCrossEntropy.create({ scale: 0.1 }).compute({ logits, labels }));
    expectTensorsClose(activePassive.create({ alpha: 10, beta: 0.1 }).compute({ logits, labels }), sum);
    void zero; void y2;
  });
});
