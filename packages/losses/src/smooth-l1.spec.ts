import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { smoothL1 } from './smooth-l1.js';
import { fixtureSuite, randn, standardChecks } from './spec-harness.js';

describe('smooth-l1', () => {
  fixtureSuite(smoothL1, 'smooth-l1');
  standardChecks(smoothL1, {
    output: 'predictions',
    make: (n) => ({ predictions: randn([n, 3], n + 1, 2), targets: randn([n, 3], n + 2) }),
    empty: 'zero',
    consistent: 'mean',
  });
  it('closed form', () => {
    const x = tf.tensor1d([0, 0.5, -3, 10]);
    const t = tf.zeros([4]);
    expectTensorsClose(smoothL1.create({ beta: 0.5 }).compute({ predictions: x, targets: t }, { reduction: 'none' }), [0, 0.125 / 0.5, 3 - 0.25, 10 - 0.25]);
  });
});
