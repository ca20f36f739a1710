import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { anyloss } from './anyloss.js';

import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('anyloss', () => {
  fixtureSuite(anyloss, 'anyloss');
  standardChecks(anyloss, {
    output: 'logits',
    make: (n) => ({ logits: randn([n], n + 1, 0.1), labels: tf.tensor1d(Array.from({ length: n }, (_, i) => i % 2)) }),
    empty: 'zero',
    fd: { h: 1e-3, rtol: 5e-2, atol: 5e-3 },
  });
  it('confident correct predictions: F1 loss ≈ 0, accuracy loss ≈ 0', () => {
    const logits = tf.tensor1d([5, -5, 5, -5]);
    const labels = tf.tensor1d([1, 0, 1, 0]);
    expectTensorsClose(anyloss.create().compute({ logits, labels }), 0, { atol: 1e-4 });
    expectTensorsClose(anyloss.create({ metric: 'accuracy' }).compute({ logits, labels }), 0, { atol: 1e-4 });
  });
  void randInt;
});
