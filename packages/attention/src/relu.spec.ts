import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { expectNoLeak, expectTensorsClose } from '@tessera/testing';
import { fixtureSuite, qkv, registry } from './__fixtures__/attention-case.js';

describe('attention "relu"', () => {
  fixtureSuite('relu', it);

  it('is relu(s)/Tk: with q = k = 2e₁ (s = 2·2/√4 = 2) every weight is 2/Tk', async () => {
    const att = registry.create('attention', 'relu');
    const q = tf.tidy(() => tf.mul(tf.oneHot(tf.zeros([1, 1, 3], 'int32'), 4), 2)); 
    const v = tf.randomNormal([1, 1, 3, 2]);
    expectTensorsClose(att.apply({ query: q, key: q, value: v }), tf.tile(tf.mul(tf.sum(v, 2, true), 2 / 3), [1, 1, 3, 1]));
    const x = qkv([1, 1, 3, 2]);
    await expectNoLeak(() => att.apply({ ...x, causal: true }));
    tf.dispose([q, v, ...Object.values(x)]);
  });
});
