import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { generalizedCrossEntropy } from './generalized-cross-entropy.js';
import { crossEntropy } from './cross-entropy.js';
import { maeNoisy } from './mae-noisy.js';
import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('generalized-cross-entropy', () => {
  fixtureSuite(generalizedCrossEntropy, 'generalized-cross-entropy');
  standardChecks(generalizedCrossEntropy, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3), labels: randInt(n, 5, n + 7) }),
    empty: 'zero',
    allIgnored: () => ({ logits: randn([3, 5], 3), labels: tf.tensor1d([-100, -100, -100], 'int32') }),
    params: { q: 0.5 },
  });
  it('q → 0 tends to cross-entropy; q = 1 is MAE', () => {
    const logits = randn([6, 5], 11, 2);
    const labels = randInt(6, 5, 2);
    const zero = tf.zeros([2, 5]);
    const y2 = tf.tensor1d([0, 3], 'int32');
    const small = tf.mul(logits, 0.5);
    expectTensorsClose(generalizedCrossEntropy.create({ q: 1e-4 }).compute({ logits: small, labels }), crossEntropy.create().compute({ logits: small, labels }), { rtol: 1e-3 });
    expectTensorsClose(generalizedCrossEntropy.create({ q: 1 }).compute({ logits, labels }), maeNoisy.create().compute({ logits, labels }));
    void zero; void y2;
  });
});
