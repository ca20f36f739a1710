import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { compSum } from './comp-sum.js';
import { crossEntropy } from './cross-entropy.js';
import { generalizedCrossEntropy } from './generalized-cross-entropy.js';
import { maeNoisy } from './mae-noisy.js';
import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('comp-sum', () => {
  fixtureSuite(compSum, 'comp-sum');
  standardChecks(compSum, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3), labels: randInt(n, 5, n + 7) }),
    empty: 'zero',
    allIgnored: () => ({ logits: randn([3, 5], 3), labels: tf.tensor1d([-100, -100, -100], 'int32') }),
    params: { tau: 0.5 },
  });
  it('tau 1 is cross-entropy, 1.7 is GCE(q 0.7), 2 is MAE, 0 is 1/p_y − 1', () => {
    const logits = randn([6, 5], 11, 2);
    const labels = randInt(6, 5, 2);
    const zero = tf.zeros([2, 5]);
    const y2 = tf.tensor1d([0, 3], 'int32');
    expectTensorsClose(compSum.create({ tau: 1 }).compute({ logits, labels }), crossEntropy.create().compute({ logits, labels }));
    expectTensorsClose(compSum.create({ tau: 1.7 }).compute({ logits, labels }), generalizedCrossEntropy.create({ q: 0.7 }).compute({ logits, labels }));
    expectTensorsClose(compSum.create({ tau: 2 }).compute({ logits, labels }), maeNoisy.create().compute({ logits, labels }));
    expectTensorsClose(compSum.create({ tau: 0 }).compute({ logits: zero, labels: y2 }), 5 - 1);
  });
});
