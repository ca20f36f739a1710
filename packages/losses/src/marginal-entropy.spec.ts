import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { marginalEntropy } from './marginal-entropy.js';
import { entropyMin } from './entropy-min.js';
import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('marginal-entropy', () => {
  fixtureSuite(marginalEntropy, 'marginal-entropy');
  standardChecks(marginalEntropy, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3) }),
    empty: 'zero',
  });
  it("closed form: two opposite one-hot predictions have marginal entropy log 2; N = 1 is \u2212H(p_1)", () => {
    expectTensorsClose(marginalEntropy.create().compute({ logits: tf.tensor2d([[1e4, 0], [0, 1e4]]) }), -Math.log(2), { atol: 1e-6 });
    const one = randn([1, 4], 3);
    expectTensorsClose(marginalEntropy.create().compute({ logits: one }), tf.neg(entropyMin.create().compute({ logits: one })));
  });
  void randInt;
  void tf;
});
