import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { bagInstance } from './bag-instance.js';

import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('bag-instance', () => {
  fixtureSuite(bagInstance, 'bag-instance');
  standardChecks(bagInstance, {
    output: 'predictions',
    make: (n) => ({ predictions: randn([n], n + 1), targets: tf.tensor1d(Array.from({ length: n }, (_, i) => Math.floor(i / 2) * 0.5)), bagIds: tf.tensor1d(Array.from({ length: n }, (_, i) => Math.floor(i / 2)), 'int32') }),
    empty: 'zero',
  });
  it('instance loss = bag loss + within-bag variance (the paper identity)', () => {
    const ins = { predictions: tf.tensor1d([0.3, -1.2, 2, 0.5, 0.1]), targets: tf.tensor1d([1, 1, -1, -1, -1]), bagIds: tf.tensor1d([0, 0, 1, 1, 1], 'int32') };
    const inst = bagInstance.create({ rho: 1 }).compute(ins);
    const bag = bagInstance.create({ rho: 0 }).compute(ins);
    const within = ((0.3 + 0.45) ** 2 + (-1.2 + 0.45) ** 2 + (2 - 2.6 / 3) ** 2 + (0.5 - 2.6 / 3) ** 2 + (0.1 - 2.6 / 3) ** 2) / 5;
    expectTensorsClose(inst, tf.add(bag, within));
  });
  void randInt;
});
