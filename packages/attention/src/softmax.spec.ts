import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeak, expectTensorsClose } from '@tessera/testing';
import { checkCase, loadCases, registry } from './__fixtures__/attention-case.js';

const cases = loadCases('softmax');

describe('attention "softmax"', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`matches the explicit PyTorch 1.13 computation: ${name} (output and gradients)`, () => checkCase('softmax', c));
  }

  it('gives zeros, never NaN, for a fully masked row (output and gradients)', () => {
    const att = registry.create('attention', 'softmax');
    tf.tidy(() => {
      const q = tf.randomNormal([1, 2, 3, 4], 0, 1, 'float32', 1);
      const k = tf.randomNormal([1, 2, 5, 4], 0, 1, 'float32', 2);
      const v = tf.randomNormal([1, 2, 5, 4], 0, 1, 'float32', 3);
      const mask = tf.tensor([true, true, true, true, true, false, false, false, false, false, true, false, true, false, true], [1, 1, 3, 5], 'bool');
      const out = att.apply({ query: q, key: k, value: v, mask });
      const data = out.arraySync() as number[][][][];
      expect(data[0]![0]![1]).toEqual([0, 0, 0, 0]);
      expect(data[0]![1]![1]).toEqual([0, 0, 0, 0]);
      const [dq, dk, dv] = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(att.apply({ query: a, key: b, value: c, mask })))([q, k, v]);
      for (const t of [out, dq!, dk!, dv!]) expect(Array.from(t.dataSync()).every(Number.isFinite)).toBe(true);
      // every key masked everywhere → all zeros
      const none = att.apply({ query: q, key: k, value: v, mask: tf.zeros([1, 1, 1, 5], 'bool') });
      expectTensorsClose(none, tf.zeros([1, 2, 3, 4]));
    });
  });

  it('equals the unmasked result when the mask allows everything, and a single key gives weight 1', () => {
    const att = registry.create('attention', 'softmax');
    tf.tidy(() => {
      const q = tf.randomNormal([2, 1, 4, 3], 0, 1, 'float32', 4);
      const k = tf.randomNormal([2, 1, 4, 3], 0, 1, 'float32', 5);
      const v = tf.randomNormal([2, 1, 4, 3], 0, 1, 'float32', 6);
      expectTensorsClose(att.apply({ query: q, key: k, value: v, mask: tf.ones([4, 4], 'bool') }), att.apply({ query: q, key: k, value: v }));
      // causal row 0 sees only key 0 → output row 0 = v_0
      const out = att.apply({ query: q, key: k, value: v, causal: true });
      expectTensorsClose(tf.slice(out, [0, 0, 0, 0], [2, 1, 1, 3]), tf.slice(v, [0, 0, 0, 0], [2, 1, 1, 3]));
    });
  });

  it('causal alone (the additive-bias path) equals the same band given as a boolean mask (the where path), with gradients', () => {
    const att = registry.create('attention', 'softmax');
    tf.tidy(() => {
      const q = tf.randomNormal([2, 2, 5, 4], 0, 3, 'float32', 7);
      const k = tf.randomNormal([2, 2, 7, 4], 0, 3, 'float32', 8);
      const v = tf.randomNormal([2, 2, 7, 4], 0, 1, 'float32', 9);
      // Tq = 5 ≤ Tk = 7: key j allowed for j ≤ i + 2 (bottom-right aligned).
      const band = tf.tensor2d(Array.from({ length: 35 }, (_, n) => (n % 7) <= Math.floor(n / 7) + 2), [5, 7], 'bool');
      const f = (mask?: tf.Tensor) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.mul(att.apply({ query: a, key: b, value: c, ...(mask ? { mask } : { causal: true }) }), tf.reshape(tf.range(0, 4), [1, 1, 1, 4])));
      expectTensorsClose(att.apply({ query: q, key: k, value: v, causal: true }), att.apply({ query: q, key: k, value: v, mask: band }), { rtol: 1e-6, atol: 1e-7 });
      const viaBias = tf.grads(f())([q, k, v]);
      const viaWhere = tf.grads(f(band))([q, k, v]);
      viaBias.forEach((g, i) => expectTensorsClose(g, viaWhere[i]!, { rtol: 1e-5, atol: 1e-6 }));
    });
  });

  it('does not leak tensors', async () => {
    const att = registry.create('attention', 'softmax', { softCap: 5 });
    const q = tf.randomNormal([1, 2, 4, 4]);
    const mask = tf.ones([1, 1, 1, 4], 'bool');
    await expectNoLeak(() => att.apply({ query: q, key: q, value: q, mask, causal: true }));
    await expectNoLeak(() => tf.grad((x: tf.Tensor) => tf.sum(att.apply({ query: x, key: x, value: x, mask, causal: true })))(q));
    tf.dispose([q, mask]);
  });

  it('fails clearly on bad inputs and bad hyperparameters', () => {
    const att = registry.create('attention', 'softmax');
    const q = tf.zeros([1, 2, 3, 4]);
    expect(() => att.apply({ query: q, key: tf.zeros([1, 2, 3, 5]), value: q })).toThrow(/attention "softmax": key must have shape \[B, H, Tk, Dh\]/);
    expect(() => att.apply({ query: tf.zeros([2, 3, 4]), key: q, value: q })).toThrow(/query must have rank 4/);
    expect(() => att.apply({ query: q, key: q, value: q, mask: tf.ones([1, 3, 3]) })).toThrow(/mask must be bool/);
    expect(() => att.apply({ query: q, key: q, value: q, mask: tf.ones([2, 3], 'bool') })).toThrow(/broadcastable to \[B, H, Tq, Tk\] = \[1, 2, 3, 3\]/);
    expect(() => att.apply({ query: q, key: q } as never)).toThrow(/missing input "value"/);
    expect(() => registry.create('attention', 'softmax', { scale: -1 })).toThrow(/scale/);
    expect(() => registry.create('attention', 'softmax', { softcap: 1 })).toThrow(/softCap/);
  });
});
