import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { neuralNdcg } from './neural-ndcg.js';
import { fixtureSuite, randn, standardChecks } from './spec-harness.js';

describe('neural-ndcg', () => {
  fixtureSuite(neuralNdcg, 'neural-ndcg');
  standardChecks(neuralNdcg, {
    output: 'predictions',
    make: (n) => ({ predictions: randn([n, 4], n + 1), targets: tf.tensor2d(Array.from({ length: n * 4 }, (_, i) => (i * 7) % 3), [n, 4]) }),
    empty: 'zero',
    consistent: false, // the mean counts only slates with a relevant item
  });
  it('a correct, well-separated ranking approaches NDCG 1 (loss −1) at low temperature', () => {
    const predictions = tf.tensor2d([[3, 2, 1, 0]]);
    const targets = tf.tensor2d([[3, 2, 1, 0]]);
    expectTensorsClose(neuralNdcg.create({ temperature: 0.05 }).compute({ predictions, targets }), -1, { atol: 1e-4 });
  });
});
