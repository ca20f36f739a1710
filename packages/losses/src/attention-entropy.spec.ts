import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { attentionEntropy } from './attention-entropy.js';

import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('attention-entropy', () => {
  fixtureSuite(attentionEntropy, 'attention-entropy');
  standardChecks(attentionEntropy, {
    output: 'attention',
    make: (n) => ({ attention: tf.softmax(randn([n, 2, 3, 4], n + 1, 2)) }),
    empty: 'zero',
    params: { mode: 'band', targetRatio: 0.3, tolerance: 0.05 },
    extreme: 1,
    fd: { rtol: 5e-2, atol: 5e-3 },
  });
  it("uniform attention: \u2212log S in max mode; 0 in band mode when the target is log S", () => {
    const u = tf.fill([1, 2, 3, 4], 0.25);
    expectTensorsClose(attentionEntropy.create().compute({ attention: u }), -Math.log(4), { rtol: 1e-5 });
    expectTensorsClose(attentionEntropy.create({ mode: 'band', targetRatio: 1 }).compute({ attention: u }), 0);
  });
  void randInt;
  void tf;
});
