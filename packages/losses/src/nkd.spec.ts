import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { nkd } from './nkd.js';

import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('nkd', () => {
  fixtureSuite(nkd, 'nkd');
  standardChecks(nkd, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3), teacherLogits: randn([n, 5], n + 9, 3), labels: randInt(n, 5, n + 4) }),
    empty: 'zero',
    allIgnored: () => ({ logits: randn([3, 5], 3), teacherLogits: randn([3, 5], 4), labels: tf.tensor1d([-100, -100, -100], 'int32') }),
  });
  it('gamma 0: the teacher-weighted target cross-entropy', () => {
    const logits = randn([3, 4], 1, 2);
    const teacherLogits = randn([3, 4], 2, 2);
    const labels = tf.tensor1d([0, 3, 1], 'int32');
    const ty = tf.sum(tf.mul(tf.softmax(teacherLogits), tf.oneHot(labels, 4)), 1);
    const sy = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(labels, 4)), 1);
    expectTensorsClose(nkd.create({ gamma: 0 }).compute({ logits, teacherLogits, labels }, { reduction: 'none' }), tf.neg(tf.mul(ty, sy)));
  });
  void randInt;
});
