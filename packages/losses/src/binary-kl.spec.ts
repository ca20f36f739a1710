import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { binaryKl } from './binary-kl.js';

import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('binary-kl', () => {
  fixtureSuite(binaryKl, 'binary-kl');
  standardChecks(binaryKl, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3), teacherLogits: randn([n, 5], n + 9, 3) }),
    empty: 'zero',
  });
  it('0 when student equals teacher; one class by hand', () => {
    const z = randn([3, 4], 5, 2);
    expectTensorsClose(binaryKl.create().compute({ logits: z, teacherLogits: z }), 0, { atol: 1e-6 });
    const q = 1 / (1 + Math.exp(-1));
    expectTensorsClose(binaryKl.create({ temperature: 1 }).compute({ logits: tf.zeros([1, 1]), teacherLogits: tf.ones([1, 1]) }), q * Math.log(q / 0.5) + (1 - q) * Math.log((1 - q) / 0.5));
  });
  void randInt;
});
