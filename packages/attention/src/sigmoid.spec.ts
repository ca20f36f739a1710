import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeak, expectTensorsClose } from '@tessera/testing';
import { fixtureSuite, qkv, registry } from './__fixtures__/attention-case.js';

describe('attention "sigmoid"', () => {
  fixtureSuite('sigmoid', it);

  it('defaults the bias to −log Tk: one key with q·k = 0 gets weight 1/(1 + Tk)', () => {
    const att = registry.create('attention', 'sigmoid');
    tf.tidy(() => {
      const Tk = 7;
      const query = tf.zeros([1, 1, 1, 4]);
      const key = tf.randomNormal([1, 1, Tk, 4]);
      const value = tf.reshape(tf.cast(tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6], 'int32'), Tk), 'float32'), [1, 1, Tk, Tk]);
      // σ(0 − log Tk) = 1/(1 + Tk) for every key
      expectTensorsClose(att.apply({ query, key, value }), tf.fill([1, 1, 1, Tk], 1 / (1 + Tk)));
    });
  });

  it('gives exactly zero for masked keys and a fully masked row, and does not leak', async () => {
    const att = registry.create('attention', 'sigmoid', { bias: -1 });
    const x = qkv([1, 2, 3, 4], 5);
    const mask = tf.tensor([true, true, false, false, false, false, false, false, false, false, true, true, true, true, true], [1, 1, 3, 5], 'bool');
    const out = att.apply({ ...x, mask });
    expect(Array.from(tf.slice(out, [0, 0, 1, 0], [1, 2, 1, 4]).dataSync())).toEqual(new Array(8).fill(0));
    await expectNoLeak(() => att.apply({ ...x, mask, causal: true }));
    tf.dispose([out, mask, ...Object.values(x)]);
  });
});
