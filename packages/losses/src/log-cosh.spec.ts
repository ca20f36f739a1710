import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { logCosh } from './log-cosh.js';
import { fixtureSuite, randn, standardChecks } from './spec-harness.js';

describe('log-cosh', () => {
  fixtureSuite(logCosh, 'log-cosh');
  standardChecks(logCosh, {
    output: 'predictions',
    make: (n) => ({ predictions: randn([n, 3], n + 1, 2), targets: randn([n, 3], n + 2) }),
    empty: 'zero',
    consistent: 'mean',
  });
  it('closed form', () => {
    const x = tf.tensor1d([0, 0.5, -3, 10]);
    const t = tf.zeros([4]);
    expectTensorsClose(logCosh.create({}).compute({ predictions: x, targets: t }, { reduction: 'none' }), [0, Math.log(Math.cosh(0.5)), Math.log(Math.cosh(3)), 10 - Math.log(2) + Math.log1p(Math.exp(-20))]);
  });
});
