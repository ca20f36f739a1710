import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { dispersive } from './dispersive.js';

import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('dispersive', () => {
  fixtureSuite(dispersive, 'dispersive');
  standardChecks(dispersive, {
    output: 'embeddings',
    make: (n) => ({ embeddings: randn([n, 4], n + 1) }),
    empty: 'zero',
  });
  it("closed form: 0 for N = 1; two points at squared distance D\u00b7\u03b4", () => {
    expectTensorsClose(dispersive.create().compute({ embeddings: randn([1, 3]) }), 0);
    const e = tf.tensor2d([[0, 0], [2, 0]]); // d = 4/2 = 2
    expectTensorsClose(dispersive.create().compute({ embeddings: e }), Math.log((2 + 2 * Math.exp(-2)) / 4));
  });
  void randInt;
  void tf;
});
