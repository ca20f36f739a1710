import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { hlGauss } from './hl-gauss.js';
import { crossEntropy } from './cross-entropy.js';
import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('hl-gauss', () => {
  fixtureSuite(hlGauss, 'hl-gauss');
  standardChecks(hlGauss, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 6], n + 1, 2), targets: randn([n], n + 2) }),
    empty: 'zero',
  });
  it("a narrow Gaussian on a bin centre is one-hot: equals cross-entropy on that bin", () => {
    const logits = randn([3, 4], 5, 2);
    // bins of width 0.5 over [-1, 1]; centres -0.75, -0.25, 0.25, 0.75
    const v = hlGauss.create({ sigmaRatio: 0.01 }).compute({ logits, targets: tf.tensor1d([-0.75, 0.25, 0.75]) }, { reduction: 'none' });
    expectTensorsClose(v, crossEntropy.create().compute({ logits, labels: tf.tensor1d([0, 2, 3], 'int32') }, { reduction: 'none' }));
  });
  void randInt;
  void tf;
});
