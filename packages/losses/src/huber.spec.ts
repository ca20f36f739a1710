import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { huber } from './huber.js';
import { fixtureSuite, randn, standardChecks } from './spec-harness.js';

describe('huber', () => {
  fixtureSuite(huber, 'huber');
  standardChecks(huber, {
    output: 'predictions',
    make: (n) => ({ predictions: randn([n, 3], n + 1, 2), targets: randn([n, 3], n + 2) }),
    empty: 'zero',
    consistent: 'mean',
  });
  it('closed form', () => {
    const x = tf.tensor1d([0, 0.5, -3, 10]);
    const t = tf.zeros([4]);
    expectTensorsClose(huber.create({}).compute({ predictions: x, targets: t }, { reduction: 'none' }), [0, 0.125, 2.5, 9.5]);
  });
});
