import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { ceDice } from './ce-dice.js';
import { dice } from './dice.js';
import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('ce-dice', () => {
  fixtureSuite(ceDice, 'ce-dice');
  standardChecks(ceDice, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 3, 2, 3], n + 1, 2), labels: tf.cast(tf.mul(tf.abs(randn([n, 3, 2], n + 4)), 1.4), 'int32') }),
    empty: 'zero',
  });
  it('lambdaCe 0 equals the Dice loss', () => {
    const ins = { logits: randn([2, 3, 3], 1, 2), labels: tf.tensor2d([[0, 1, 2], [2, 2, 0]], [2, 3], 'int32') };
    expectTensorsClose(ceDice.create({ lambdaCe: 0 }).compute(ins), dice.create().compute(ins));
  });
  void randInt;
});
