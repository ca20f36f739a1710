import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { dice } from './dice.js';

import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('dice', () => {
  fixtureSuite(dice, 'dice');
  standardChecks(dice, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 3, 2, 3], n + 1, 2), labels: tf.cast(tf.mul(tf.abs(randn([n, 3, 2], n + 4)), 1.4), 'int32') }),
    empty: 'zero',
  });
  it('perfect one-hot prediction gives 0; mis-shaped labels fail naming them', () => {
    const labels = tf.tensor2d([[0, 1, 2, 1]], [1, 4], 'int32');
    const logits = tf.mul(tf.oneHot(labels, 3), 1e4);
    expectTensorsClose(dice.create().compute({ logits: tf.cast(logits, 'float32'), labels }), 0, { atol: 1e-5 });
    let msg = '';
    try { dice.create().compute({ logits: tf.zeros([1, 4, 3]), labels: tf.zeros([1, 3], 'int32') }); } catch (e) { msg = String(e); }
    if (!/labels/.test(msg)) throw new Error('no labels error: ' + msg);
  });
  void randInt;
});
