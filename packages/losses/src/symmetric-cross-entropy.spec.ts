import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { symmetricCrossEntropy } from './symmetric-cross-entropy.js';
import { crossEntropy } from './cross-entropy.js';
import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('symmetric-cross-entropy', () => {
  fixtureSuite(symmetricCrossEntropy, 'symmetric-cross-entropy');
  fixtureSuite(symmetricCrossEntropy, 'symmetric-cross-entropy-consistency');
  standardChecks(symmetricCrossEntropy, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3), teacherLogits: randn([n, 5], n + 9, 3) }),
    empty: 'zero',
  });
  it('consistency form: equals the entropy of p when student equals teacher; neither labels nor teacher fails clearly', () => {
    const z = randn([3, 4], 5, 2);
    const h = tf.neg(tf.sum(tf.mul(tf.softmax(z), tf.logSoftmax(z)), 1));
    expectTensorsClose(symmetricCrossEntropy.create().compute({ logits: z, teacherLogits: z }, { reduction: 'none' }), h);
    let msg = '';
    try { symmetricCrossEntropy.create().compute({ logits: z }); } catch (e) { msg = String(e); }
    if (!/labels.*teacherLogits/.test(msg)) throw new Error('unclear error: ' + msg);
  });
  standardChecks(symmetricCrossEntropy, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3), labels: randInt(n, 5, n + 7) }),
    empty: 'zero',
    allIgnored: () => ({ logits: randn([3, 5], 3), labels: tf.tensor1d([-100, -100, -100], 'int32') }),
    params: {},
  });
  it('alpha 1, beta 0 equals cross-entropy', () => {
    const logits = randn([6, 5], 11, 2);
    const labels = randInt(6, 5, 2);
    const zero = tf.zeros([2, 5]);
    const y2 = tf.tensor1d([0, 3], 'int32');
    expectTensorsClose(symmetricCrossEntropy.create({ alpha: 1, beta: 0 }).compute({ logits, labels }), crossEntropy.create().compute({ logits, labels }));
    void zero; void y2;
  });
});
