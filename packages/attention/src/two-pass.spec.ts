import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeak } from '@tessera/testing';
import { fixtureSuite, qkv, registry } from './__fixtures__/attention-case.js';

describe('attention "two-pass"', () => {
  fixtureSuite('two-pass', it);

  it('does not leak and gives finite zeros for a fully masked row', async () => {
    const att = registry.create('attention', 'two-pass');
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

describe('attention "two-pass" properties', () => {
  it('equals softmax attention, also for logits too large for a naive exp', async () => {
    const { expectTensorsClose } = await import('@tessera/testing');
    tf.tidy(() => {
      const x = qkv([1, 2, 4, 4]);
      const q = tf.mul(x.query, 40);
      const p = { scale: 1 };
      expectTensorsClose(registry.create('attention', 'two-pass', p).apply({ ...x, query: q }), registry.create('attention', 'softmax', p).apply({ ...x, query: q }));
    });
  });
});
