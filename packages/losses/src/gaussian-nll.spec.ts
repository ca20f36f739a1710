import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { gaussianNll } from './gaussian-nll.js';
import { fixtureSuite, randn, standardChecks } from './spec-harness.js';

describe('gaussian-nll', () => {
  fixtureSuite(gaussianNll, 'gaussian-nll');
  standardChecks(gaussianNll, {
    output: 'predictions',
    make: (n) => ({ predictions: randn([n, 3], n + 1), targets: randn([n, 3], n + 2), variance: tf.add(tf.abs(randn([n, 3], n + 3)), 0.1) }),
    empty: 'zero',
    consistent: 'mean',
  });
  it('closed form ½(log σ² + d²/σ²); a mis-shaped variance fails naming it', () => {
    const v = gaussianNll.create().compute({ predictions: tf.tensor1d([1]), targets: tf.tensor1d([3]), variance: tf.tensor1d([2]) });
    expectTensorsClose(v, 0.5 * (Math.log(2) + 4 / 2));
    expect(() => gaussianNll.create().compute({ predictions: tf.zeros([2, 3]), targets: tf.zeros([2, 3]), variance: tf.ones([2, 2]) })).toThrow(/variance/);
  });
  it('accepts PyTorch\'s argument name `var` for the variance', () => {
    const ins = { predictions: tf.tensor1d([1, 2]), targets: tf.tensor1d([0, 0]), variance: tf.tensor1d([0.5, 2]) };
    expectTensorsClose(gaussianNll.create().compute({ predictions: ins.predictions, targets: ins.targets, var: ins.variance }), gaussianNll.create().compute(ins));
  });
  it('variance below eps: value at eps, gradient passed through (PyTorch)', () => {
    const g = tf.grad((v: tf.Tensor) => gaussianNll.create({ eps: 0.5 }).compute({ predictions: tf.tensor1d([1]), targets: tf.tensor1d([0]), variance: v }) as tf.Scalar)(tf.tensor1d([0.1]));
    // d/dσ² of ½(log σ² + 1/σ²) at σ² = 0.5: ½(1/0.5 − 1/0.25) = −1
    expectTensorsClose(g, [-1]);
  });
});
