import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { pseudoHuber } from './pseudo-huber.js';

import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('pseudo-huber', () => {
  fixtureSuite(pseudoHuber, 'pseudo-huber');
  standardChecks(pseudoHuber, {
    output: 'predictions',
    make: (n) => ({ predictions: randn([n, 3, 2], n + 1), targets: randn([n, 3, 2], n + 2) }),
    empty: 'zero',
  });
  it("closed form; c \u2192 0 is the L2 distance; finite gradient at x = t", () => {
    const x = tf.tensor2d([[3, 4]]);
    expectTensorsClose(pseudoHuber.create({ c: 1 }).compute({ predictions: x, targets: tf.zeros([1, 2]) }), Math.sqrt(26) - 1);
    expectTensorsClose(pseudoHuber.create({ c: 1e-6 }).compute({ predictions: x, targets: tf.zeros([1, 2]) }), 5, { rtol: 1e-5 });
    const g = tf.grad((v: tf.Tensor) => pseudoHuber.create().compute({ predictions: v, targets: x }) as tf.Scalar)(x);
    expectTensorsClose(g, [0, 0]);
  });
  void randInt;
  void tf;
});
