import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { normalizedFocal } from './normalized-focal.js';
import { normalizedCrossEntropy } from './normalized-cross-entropy.js';
import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('normalized-focal', () => {
  fixtureSuite(normalizedFocal, 'normalized-focal');
  standardChecks(normalizedFocal, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3), labels: randInt(n, 5, n + 7) }),
    empty: 'zero',
    allIgnored: () => ({ logits: randn([3, 5], 3), labels: tf.tensor1d([-100, -100, -100], 'int32') }),
    params: { gamma: 2 },
    fd: false, // the focal weights are detached (as in the official code): the gradient is not that of the value; the fixture pins it
  });
  it('gamma 0 equals normalized cross-entropy', () => {
    const logits = randn([6, 5], 11, 2);
    const labels = randInt(6, 5, 2);
    const zero = tf.zeros([2, 5]);
    const y2 = tf.tensor1d([0, 3], 'int32');
    expectTensorsClose(normalizedFocal.create({ gamma: 0 }).compute({ logits, labels }, { reduction: 'none' }), normalizedCrossEntropy.create().compute({ logits, labels }, { reduction: 'none' }));
    void zero; void y2;
  });
});
