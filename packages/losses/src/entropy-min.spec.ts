import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { entropyMin } from './entropy-min.js';

import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('entropy-min', () => {
  fixtureSuite(entropyMin, 'entropy-min');
  standardChecks(entropyMin, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3) }),
    empty: 'zero',
  });
  it("closed form: log C at zero logits, 0 for a one-hot prediction", () => {
    expectTensorsClose(entropyMin.create().compute({ logits: tf.zeros([2, 4]) }), Math.log(4));
    expectTensorsClose(entropyMin.create().compute({ logits: tf.tensor2d([[1e4, 0, 0]]) }), 0, { atol: 1e-6 });
  });
  void randInt;
  void tf;
});
