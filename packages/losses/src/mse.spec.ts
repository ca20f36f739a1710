import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { mse } from './mse.js';
import { fixtureSuite, randn, standardChecks } from './spec-harness.js';

describe('mse', () => {
  fixtureSuite(mse, 'mse');
  standardChecks(mse, {
    output: 'predictions',
    make: (n) => ({ predictions: randn([n, 3], n + 1), targets: randn([n, 3], n + 2) }),
    empty: 'zero',
    consistent: 'mean',
  });
  it('closed form: mean of squared differences', () => {
    const v = mse.create().compute({ predictions: tf.tensor1d([1, 2, 3]), targets: tf.tensor1d([1, 0, 0]) });
    expectTensorsClose(v, (0 + 4 + 9) / 3);
  });
  it('weights give a weighted mean of per-sample means', () => {
    const p = tf.tensor2d([[1, 1], [2, 2]]);
    const t = tf.zeros([2, 2]);
    expectTensorsClose(mse.create().compute({ predictions: p, targets: t, weights: tf.tensor1d([3, 1]) }), (3 * 1 + 1 * 4) / 4);
  });
});
