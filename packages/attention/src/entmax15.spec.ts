import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeak } from '@tessera/testing';
import { fixtureSuite, qkv, registry } from './__fixtures__/attention-case.js';

describe('attention "entmax15"', () => {
  fixtureSuite('entmax15', it);

  it('does not leak and gives finite zeros for a fully masked row', async () => {
    const att = registry.create('attention', 'entmax15');
    const x = qkv([1, 2, 3, 4], 5);
    const mask = tf.tensor([true, true, false, false, false, false, false, false, false, false, true, true, true, true, true], [1, 1, 3, 5], 'bool');
    await expectNoLeak(() => att.apply({ ...x, mask, causal: true }));
    await expectNoLeak(() => tf.grad((q: tf.Tensor) => tf.sum(att.apply({ ...x, query: q, mask })))(x.query));
    tf.tidy(() => {
      const out = att.apply({ ...x, mask });
      expect(Array.from(tf.slice(out, [0, 0, 1, 0], [1, 2, 1, 4]).dataSync())).toEqual(new Array(8).fill(0));
      const g = tf.grad((q: tf.Tensor) => tf.sum(att.apply({ ...x, query: q, mask })))(x.query);
      expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    });
    tf.dispose([mask, ...Object.values(x)]);
  });
});

describe('attention "entmax15" properties', () => {
  it('is sparse, its rows sum to 1, and its gradient matches finite differences', async () => {
    const { checkGradient, expectTensorsClose } = await import('@tessera/testing');
    const att = registry.create('attention', 'entmax15', { scale: 1 });
    tf.tidy(() => {
      const x = qkv([1, 1, 4, 3], 6, 6, 7);
      const q = tf.mul(x.query, 3);
      const eye = tf.reshape(tf.eye(6), [1, 1, 6, 6]);
      const w = att.apply({ query: q, key: x.key, value: eye }); // weights themselves
      expectTensorsClose(tf.sum(w, -1), tf.ones([1, 1, 4]));
      expect(Array.from(w.dataSync()).some((v) => v === 0)).toBe(true);
      const r = tf.randomNormal([1, 1, 4, 6], 0, 1, 'float32', 3);
      checkGradient((qq) => tf.sum(tf.mul(att.apply({ query: qq, key: x.key, value: x.value }), r)), q, { h: 1e-3 });
    });
  });
});
