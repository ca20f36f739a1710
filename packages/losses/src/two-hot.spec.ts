import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { twoHot } from './two-hot.js';
import { crossEntropy } from './cross-entropy.js';
import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('two-hot', () => {
  fixtureSuite(twoHot, 'two-hot');
  standardChecks(twoHot, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 2), targets: randn([n], n + 2) }),
    empty: 'zero',
  });
  it("a target on a support point is one-hot; halfway splits 50/50", () => {
    const logits = randn([2, 5], 5, 2);
    // support -1, -0.5, 0, 0.5, 1
    const v = twoHot.create().compute({ logits, targets: tf.tensor1d([-0.5, 1]) }, { reduction: 'none' });
    expectTensorsClose(v, crossEntropy.create().compute({ logits, labels: tf.tensor1d([1, 4], 'int32') }, { reduction: 'none' }));
    const half = twoHot.create().compute({ logits, targets: tf.tensor1d([0.25, 0.25]) }, { reduction: 'none' });
    const probs = tf.tensor2d([[0, 0, 0.5, 0.5, 0], [0, 0, 0.5, 0.5, 0]]);
    expectTensorsClose(half, crossEntropy.create().compute({ logits, labels: probs }, { reduction: 'none' }));
  });
  void randInt;
  void tf;
});
