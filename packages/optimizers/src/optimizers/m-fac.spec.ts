import { describe, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { solveSpd } from './m-fac.js';

describe('solveSpd (device Gauss–Jordan used by m-fac)', () => {
  it('solves a symmetric positive-definite system', () => {
    const A = tf.tensor2d([[4, 1, 0.5], [1, 3, 0.2], [0.5, 0.2, 2]]);
    const x = tf.tensor1d([1, -2, 0.5]);
    const b = tf.reshape(tf.matMul(A, tf.reshape(x, [3, 1])), [3]) as tf.Tensor1D;
    expectTensorsClose(solveSpd(A as tf.Tensor2D, b), [1, -2, 0.5]);
  });
});
