import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { l1 } from './l1.js';
import { fixtureSuite, randn, standardChecks } from './spec-harness.js';

describe('l1', () => {
  fixtureSuite(l1, 'l1');
  standardChecks(l1, {
    output: 'predictions',
    make: (n) => ({ predictions: randn([n, 3], n + 1, 2), targets: randn([n, 3], n + 2) }),
    empty: 'zero',
    consistent: 'mean',
  });
  it('closed form', () => {
    const x = tf.tensor1d([0, 0.5, -3, 10]);
    const t = tf.zeros([4]);
    expectTensorsClose(l1.create({}).compute({ predictions: x, targets: t }, { reduction: 'none' }), [0, 0.5, 3, 10]);
  });
});
