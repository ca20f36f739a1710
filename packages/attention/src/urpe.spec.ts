import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeak } from '@tessera/testing';
import { fixtureSuite, qkv, registry } from './__fixtures__/attention-case.js';

describe('attention "urpe"', () => {
  fixtureSuite('urpe', it);

  it('does not leak and gives finite zeros for a fully masked row', async () => {
    const att = registry.create('attention', 'urpe');
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

describe('attention "urpe" properties', () => {
  it('equals softmax with the initial coefficients (all 1) and declares [H, 2L − 1] coefficients', async () => {
    const { expectTensorsClose } = await import('@tessera/testing');
    const att = registry.create('attention', 'urpe', { maxLength: 6 }) as import('./attention-common.js').AttentionVariant;
    expect(att.weightSpecs.map((w) => [w.name, w.shape(2), w.init])).toEqual([['coefficients', [2, 11], 1]]);
    tf.tidy(() => {
      const x = qkv([2, 2, 5, 4], 6);
      const ones = att.apply({ ...x, causal: true, weights: { coefficients: tf.ones([2, 11]) } });
      expectTensorsClose(ones, registry.create('attention', 'softmax').apply({ ...x, causal: true }));
      expect(() => att.apply({ ...qkv([1, 1, 7, 2]) })).toThrow(/must not exceed maxLength = 6/);
    });
  });
});
