import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { normalizedCrossEntropy } from './normalized-cross-entropy.js';

import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('normalized-cross-entropy', () => {
  fixtureSuite(normalizedCrossEntropy, 'normalized-cross-entropy');
  standardChecks(normalizedCrossEntropy, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3), labels: randInt(n, 5, n + 7) }),
    empty: 'zero',
    allIgnored: () => ({ logits: randn([3, 5], 3), labels: tf.tensor1d([-100, -100, -100], 'int32') }),
    params: {},
  });
  it('closed form: 1/C at zero logits, in [0, 1]', () => {
    const logits = randn([6, 5], 11, 2);
    const labels = randInt(6, 5, 2);
    const zero = tf.zeros([2, 5]);
    const y2 = tf.tensor1d([0, 3], 'int32');
    expectTensorsClose(normalizedCrossEntropy.create().compute({ logits: zero, labels: y2 }), 1 / 5);
    const v = normalizedCrossEntropy.create().compute({ logits, labels }, { reduction: 'none' }).dataSync();
    for (const e of v) if (!(e >= 0 && e <= 1)) throw new Error('NCE outside [0, 1]');
  });
});
